
namespace Kohonen.Tests.Data;

public class FeatureScalerTests
{
    private static readonly DataMatrix Sample = DataMatrix.FromRows([[0f, 10f, 5f], [2f, 20f, 5f], [4f, 30f, 5f]]);

    [Fact]
    public void MinMaxMapsEachColumnOntoZeroToOneAndLeavesAConstantColumnAtZero()
    {
        var scaled = FeatureScaler.Fit(Sample, Scaling.MinMax)!.Transform(Sample);

        Assert.Equal([0f, 0f, 0f, 0.5f, 0.5f, 0f, 1f, 1f, 0f], scaled.Values.ToArray());
    }

    [Fact]
    public void ZScoreCentresAndDividesByThePopulationStandardDeviation()
    {
        // Column 0: mean 2, population std √(8/3).
        var scaler = FeatureScaler.Fit(Sample, Scaling.ZScore)!;
        var scaled = scaler.Transform(Sample);

        Assert.Equal(2f, scaler.Offset[0]);
        Assert.Equal(-2 / Math.Sqrt(8.0 / 3), scaled[0, 0], 5);
        Assert.Equal(0f, scaled[1, 1], 5);
        Assert.Equal(0f, scaled[2, 2]);
    }

    [Fact]
    public void InverseTransformUndoesTransform()
    {
        var scaler = FeatureScaler.Fit(Sample, Scaling.ZScore)!;
        var scaled = new float[3];
        var back = new float[3];

        scaler.Transform(Sample.Row(2), scaled);
        scaler.InverseTransform(scaled, back);

        Assert.Equal(Sample.Row(2).ToArray(), back, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void NoScalingGivesNoScaler() => Assert.Null(FeatureScaler.Fit(Sample, Scaling.None));
}
