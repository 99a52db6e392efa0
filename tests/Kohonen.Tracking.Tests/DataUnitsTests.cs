namespace Kohonen.Tracking.Tests;

/// <summary>The quantization error in the data's units, against sums done by hand.</summary>
public sealed class DataUnitsTests
{
    [Fact]
    public void TheErrorIsMeasuredBetweenTheRawRowAndItsBmuBroughtBackToRawUnits()
    {
        // Two features: x' = x (factor 1) and y' = (y − 100)·0.01. Nodes (0, 0) and (1, 1) in scaled
        // units are (0, 100) and (1, 200) in the data's units.
        var scaler = new FeatureScaler(Scaling.ZScore, [0f, 100f], [1f, 0.01f]);
        var model = SomModel.Create(new Grid(2, 1), [0f, 0f, 1f, 1f], 2, ["x", "y"], scaler);
        var data = new DataMatrix([0.2f, 130f, 0.9f, 180f], 2, 2, ["x", "y"]);

        var qe = DataUnits.QuantizationError(model, [data]);

        // Row 1 scales to (0.2, 0.3): node 0, raw distance √(0.2² + 30²); row 2 to (0.9, 0.8): node 1,
        // raw distance √(0.1² + 20²).
        var expected = (Math.Sqrt((0.2 * 0.2) + (30.0 * 30.0)) + Math.Sqrt((0.1 * 0.1) + (20.0 * 20.0))) / 2;
        Assert.Equal(expected, qe, 4);
    }

    [Fact]
    public void ARowWithHolesIsMeasuredOverItsPresentFeaturesScaledToAllOfThem()
    {
        // The scaler of the test above; three features, the third unscaled. Nodes (0, 0, 0) and
        // (1, 1, 1) in scaled units are (0, 100, 0) and (1, 200, 1) in the data's units.
        var scaler = new FeatureScaler(Scaling.ZScore, [0f, 100f, 0f], [1f, 0.01f, 1f]);
        var model = SomModel.Create(new Grid(2, 1), [0f, 0f, 0f, 1f, 1f, 1f], 3, ["x", "y", "z"], scaler);
        var data = new DataMatrix([0.2f, float.NaN, 0.1f, float.NaN, 180f, 0.7f], 2, 3, ["x", "y", "z"]);

        var qe = DataUnits.QuantizationError(model, [data]);

        // Row 1, present x and z, scales to (0.2, _, 0.1): node 0 (0.05 against 1.45 over x and z);
        // raw squares 0.2² + 0.1², times 3/2. Row 2, present y and z, scales to (_, 0.8, 0.7): node 1
        // (0.13 against 1.13); raw squares 20² + 0.3², times 3/2.
        var expected = (Math.Sqrt(((0.2 * 0.2) + (0.1 * 0.1)) * 1.5) + Math.Sqrt(((20.0 * 20.0) + (0.3 * 0.3)) * 1.5)) / 2;
        Assert.Equal(expected, qe, 4);
    }

    [Fact]
    public void ChunksGiveTheSameErrorAsOneMatrix()
    {
        var model = SomModel.Create(new Grid(2, 1), [0f, 0f, 1f, 1f], 2, ["x", "y"], new FeatureScaler(Scaling.MinMax, [1f, 2f], [0.5f, 0.25f]));
        var rows = new float[] { 1, 2, 3, 6, 2, 3, 0, 9 };
        var whole = new DataMatrix(rows, 4, 2);

        Assert.Equal(
            DataUnits.QuantizationError(model, [whole]),
            DataUnits.QuantizationError(model, [new DataMatrix(rows.AsSpan(0, 2), 1, 2), new DataMatrix(rows.AsSpan(2), 3, 2)]),
            12);
    }

    [Fact]
    public void WithoutAScalerItIsThePlainQuantizationError()
    {
        var model = SomModel.Create(new Grid(2, 1), [0f, 0f, 3f, 4f], 2);
        var data = new DataMatrix([0f, 1f, 3f, 0f], 2, 2);

        // Row (0, 1): node 0 at distance 1; row (3, 0): node 0 at 3 (node 1 is 4 away).
        Assert.Equal(2.0, DataUnits.QuantizationError(model, [data]), 12);
        Assert.True(double.IsNaN(DataUnits.QuantizationError(model, [])));
    }
}
