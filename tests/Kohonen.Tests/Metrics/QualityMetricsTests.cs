
namespace Kohonen.Tests.Metrics;

/// <summary>Quantization and topographic errors on maps whose weights are fixed by hand.</summary>
public class QualityMetricsTests
{
    private static DataMatrix Rows(params float[][] rows) => DataMatrix.FromRows(rows);

    [Fact]
    public void QuantizationErrorIsTheMeanDistanceToTheBmu()
    {
        // Nodes at (0,0) and (3,4). Samples (0,0) and (3,4) sit on a node; (6,8) is 5 from (3,4).
        var model = SomModel.Create(new Grid(2, 1), [0f, 0f, 3f, 4f], 2);

        Assert.Equal(5.0 / 3.0, model.QuantizationError(Rows([0f, 0f], [3f, 4f], [6f, 8f])), 6);
    }

    [Fact]
    public void TopographicErrorCountsBestAndSecondBestUnitsThatAreNotAdjacentOnALine()
    {
        // A 3×1 line with 1-D weights 0, 10, 0.5.
        // 0.3: best node 2 (0.2 away), second node 0 (0.3): nodes 0 and 2 are two cells apart → error.
        // 10:  best node 1, second node 2 (9.5): adjacent → no error.
        var model = SomModel.Create(new Grid(3, 1), [0f, 10f, 0.5f], 1);

        Assert.Equal(0.5, model.TopographicError(Rows([0.3f], [10f])));
    }

    [Fact]
    public void OnATorusTheEndsOfTheLineAreAdjacentSoTheSameSampleIsNoError()
    {
        var model = SomModel.Create(new Grid(3, 1, Topology.Rectangular, toroidal: true), [0f, 10f, 0.5f], 1);

        Assert.Equal(0.0, model.TopographicError(Rows([0.3f], [10f])));
    }

    [Fact]
    public void DiagonalCellsAreNeighboursOnARectangularGridButTheFarDiagonalIsNotOnAHexagonalOne()
    {
        // Node order (0,0), (1,0), (0,1), (1,1) with 1-D weights 0, 10, 20, 1.
        // Sample 0.4: best (0,0) at 0.4, second (1,1) at 0.6.
        // Rectangular: (0,0) and (1,1) are diagonal neighbours → 0.
        // Hexagonal: row 1 is shifted right, (1,1) sits at (1.5, √3/2), √3 from (0,0) → error.
        float[] weights = [0f, 10f, 20f, 1f];
        var sample = Rows([0.4f]);

        Assert.Equal(0.0, SomModel.Create(new Grid(2, 2), weights, 1).TopographicError(sample));
        Assert.Equal(1.0, SomModel.Create(new Grid(2, 2, Topology.Hexagonal), weights, 1).TopographicError(sample));
    }

    [Fact]
    public void AOneNodeMapHasNoTopographicError()
    {
        var model = SomModel.Create(new Grid(1, 1), [0f], 1);

        Assert.True(double.IsNaN(model.TopographicError(Rows([1f]))));
        Assert.Equal(1.0, model.QuantizationError(Rows([1f])));
    }

    [Fact]
    public void MetricsApplyTheModelsScalerFirst()
    {
        // Min-max over [0, 10]: the sample 10 becomes 1, which is 1 away from the node at 0.
        var scaler = FeatureScaler.Fit(Rows([0f], [10f]), Scaling.MinMax)!;
        var model = SomModel.Create(new Grid(1, 1), [0f], 1, scaler: scaler);

        Assert.Equal(1.0, model.QuantizationError(Rows([10f])), 6);
    }

    [Fact]
    public void DataWithTheWrongWidthOrAnInfinityIsRefusedWithAMessage()
    {
        var model = SomModel.Create(new Grid(2, 1), [0f, 0f, 3f, 4f], 2);

        var wrongWidth = Assert.Throws<ArgumentException>(() => model.QuantizationError(Rows([1f, 2f, 3f])));
        var nan = Assert.Throws<ArgumentException>(() => model.QuantizationError(Rows([1f, 2f], [float.PositiveInfinity, 0f])));

        Assert.Contains("2 features", wrongWidth.Message, StringComparison.Ordinal);
        Assert.Contains("Row 1, column 0", nan.Message, StringComparison.Ordinal);
    }
}
