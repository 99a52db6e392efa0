
namespace Kohonen.Tests.Analysis;

/// <summary>U-matrix, hit map, component planes and label map on hand-set weights.</summary>
public class MapAnalysisTests
{
    [Fact]
    public void UMatrixOnALineIsTheMeanDistanceToTheOneOrTwoNeighbours()
    {
        // Weights 0, 1, 3: node 0 → |0−1| = 1; node 1 → (1 + 2)/2 = 1.5; node 2 → |3−1| = 2.
        var u = SomModel.Create(new Grid(3, 1), [0f, 1f, 3f], 1).UMatrix();

        Assert.Equal([1f, 1.5f, 2f], u.AsSpan().ToArray());
        Assert.Equal((3, 1), (u.Width, u.Height));
    }

    [Fact]
    public void UMatrixOnAToroidalLineAlsoCountsTheNeighbourAcrossTheWrap()
    {
        // Node 0 → (1 + 3)/2 = 2; node 1 → (1 + 2)/2 = 1.5; node 2 → (2 + 3)/2 = 2.5.
        var u = SomModel.Create(new Grid(3, 1, Topology.Rectangular, toroidal: true), [0f, 1f, 3f], 1).UMatrix();

        Assert.Equal([2f, 1.5f, 2.5f], u.AsSpan().ToArray());
    }

    [Fact]
    public void UMatrixOnAHexagonalGridUsesTheSixNeighbourRule()
    {
        // 2×2 hexagonal, weights (0,0)=0, (1,0)=10, (0,1)=20, (1,1)=1. (0,0) and (1,1) are √3 apart,
        // every other pair is adjacent.
        // (0,0): {10, 20} → 15. (1,0): {10, 10, 9} → 29/3. (0,1): {20, 10, 19} → 49/3. (1,1): {9, 19} → 14.
        var u = SomModel.Create(new Grid(2, 2, Topology.Hexagonal), [0f, 10f, 20f, 1f], 1).UMatrix();

        Assert.Equal(15f, u[0, 0], 5);
        Assert.Equal(29f / 3, u[1, 0], 5);
        Assert.Equal(49f / 3, u[0, 1], 5);
        Assert.Equal(14f, u[1, 1], 5);
    }

    [Fact]
    public void HitMapCountsSamplesPerBmu()
    {
        var model = SomModel.Create(new Grid(2, 2), [0f, 1f, 2f, 3f], 1);

        var hits = model.HitMap(DataMatrix.FromRows([[0.1f], [0.2f], [2.9f], [1.1f], [3.3f]]));

        Assert.Equal((2, 1, 0, 2), (hits[0, 0], hits[1, 0], hits[0, 1], hits[1, 1]));
        Assert.Equal(new[,] { { 2, 1 }, { 0, 2 } }, hits.ToRowMajorArray());
    }

    [Fact]
    public void ComponentPlaneIsInTheFeaturesOwnUnits()
    {
        // Trained in min-max space over [10, 20]: scaled weights 0 and 0.5 are 10 and 15 in feature units.
        var scaler = FeatureScaler.Fit(DataMatrix.FromRows([[10f, 0f], [20f, 4f]]), Scaling.MinMax)!;
        var model = SomModel.Create(new Grid(2, 1), [0f, 1f, 0.5f, 0.25f], 2, ["a", "b"], scaler);

        Assert.Equal([10f, 15f], model.ComponentPlane(0));
        Assert.Equal([4f, 1f], model.ComponentPlane(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComponentPlane(2));
    }

    [Fact]
    public void LabelMapTakesTheMajorityAndBreaksTiesByName()
    {
        var model = SomModel.Create(new Grid(3, 1), [0f, 1f, 2f], 1);
        var data = DataMatrix.FromRows([[0f], [0.1f], [0.2f], [1f], [1.1f]]);

        var labels = model.LabelMap(data, ["cat", "dog", "cat", "zebra", "ant"]);

        Assert.Equal("cat", labels[0, 0]);
        Assert.Equal("ant", labels[1, 0]);
        Assert.Null(labels[2, 0]);
    }

    [Fact]
    public void GridValuesAreIndexedXThenYAndNameTheCoordinateOutsideTheGrid()
    {
        // A 3×2 map whose weight is 10·y + x, so the plane's value tells where it was read.
        var model = SomModel.Create(new Grid(3, 2), [0f, 1f, 2f, 10f, 11f, 12f], 1);

        var plane = model.ComponentPlane(0);

        Assert.Equal(12f, plane[2, 1]);
        Assert.Equal(10f, plane[0, 1]);
        Assert.Equal(11f, plane[4]);
        Assert.Equal([0f, 1f, 2f, 10f, 11f, 12f], plane.AsSpan().ToArray());
        Assert.Equal(new float[,] { { 0f, 1f, 2f }, { 10f, 11f, 12f } }, plane.ToRowMajorArray());
        var badRow = Assert.Throws<ArgumentOutOfRangeException>(() => plane[1, 2]);
        var badColumn = Assert.Throws<ArgumentOutOfRangeException>(() => plane[3, 0]);
        Assert.Equal("y", badRow.ParamName);
        Assert.Equal("x", badColumn.ParamName);
        Assert.StartsWith("y = 2 is outside the grid: a row in 0..1.", badRow.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => plane[-1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => plane[6]);
    }
}
