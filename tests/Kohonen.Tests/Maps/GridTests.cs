
namespace Kohonen.Tests.Maps;

public class GridTests
{
    private static int[] Neighbors(Grid grid, int index)
    {
        Span<int> buffer = stackalloc int[Grid.MaxNeighbors];
        return buffer[..grid.NeighborsOf(index, buffer)].ToArray();
    }

    [Fact]
    public void RectangularNodesHaveTheEightSurroundingCellsAsNeighbours()
    {
        var grid = new Grid(3, 3);

        Assert.Equal([0, 1, 2, 3, 5, 6, 7, 8], Neighbors(grid, 4));
        Assert.Equal([1, 3, 4], Neighbors(grid, 0));
    }

    [Fact]
    public void ToroidalRectangularCornersWrapToTheOtherEdges()
    {
        var grid = new Grid(4, 4, Topology.Rectangular, toroidal: true);

        // (0,0) touches columns 3 and 1 and rows 3 and 1.
        Assert.Equal([1, 3, 4, 5, 7, 12, 13, 15], Neighbors(grid, 0));
        Assert.Equal(1.0, grid.SquaredDistance(0, 3));
        Assert.Equal(2.0, grid.SquaredDistance(0, 15));
    }

    [Fact]
    public void HexagonalEvenAndOddRowsHaveSixNeighboursOnTheOffsetSide()
    {
        var grid = new Grid(4, 4, Topology.Hexagonal);

        // (1,2) sits at x = 1 on an even row; the odd rows above and below sit at x + 0.5, so their
        // columns 0 and 1 (at 0.5 and 1.5) are the ones at distance 1.
        Assert.Equal([4, 5, 8, 10, 12, 13], Neighbors(grid, grid.IndexOf(1, 2)));
        // (1,1) sits at x = 1.5 on an odd row; columns 1 and 2 of the even rows are at distance 1.
        Assert.Equal([1, 2, 4, 6, 9, 10], Neighbors(grid, grid.IndexOf(1, 1)));
    }

    [Fact]
    public void HexagonalPositionsOffsetOddRowsByHalfACell()
    {
        var grid = new Grid(3, 3, Topology.Hexagonal);

        Assert.Equal((0.0, 0.0), grid.PositionOf(0));
        Assert.Equal(1.5, grid.PositionOf(grid.IndexOf(1, 1)).X);
        Assert.Equal(Math.Sqrt(3) / 2, grid.PositionOf(grid.IndexOf(1, 1)).Y, 15);
        Assert.Equal(3.0, grid.SquaredDistance(grid.IndexOf(0, 0), grid.IndexOf(0, 2)));
    }

    [Fact]
    public void EveryNodeOfAHexagonalTorusHasSixNeighboursAndNeighbourhoodIsSymmetric()
    {
        var grid = new Grid(5, 6, Topology.Hexagonal, toroidal: true);

        for (var a = 0; a < grid.NodeCount; a++)
        {
            Assert.Equal(6, Neighbors(grid, a).Length);
            for (var b = 0; b < grid.NodeCount; b++)
            {
                Assert.Equal(grid.AreNeighbors(a, b), grid.AreNeighbors(b, a));
                Assert.Equal(grid.AreNeighbors(a, b), Neighbors(grid, a).Contains(b));
            }
        }
    }

    [Fact]
    public void AHexagonalTorusWithAnOddHeightIsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Grid(4, 5, Topology.Hexagonal, toroidal: true));

        Assert.Contains("even height", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AxisTablesAddUpToTheSquaredDistanceOfEveryPair()
    {
        foreach (var grid in new[] { new Grid(7, 5), new Grid(6, 4, Topology.Hexagonal, true), new Grid(5, 5, Topology.Rectangular, true), new Grid(4, 7, Topology.Hexagonal) })
        {
            var even = new double[grid.Width];
            var odd = new double[grid.Width];
            var dy = new double[grid.Height];
            for (var bmu = 0; bmu < grid.NodeCount; bmu++)
            {
                grid.FillAxisSquaredDistances(bmu, even, odd, dy);
                for (var k = 0; k < grid.NodeCount; k++)
                {
                    var (x, y) = grid.CoordinatesOf(k);
                    var (px, py) = grid.PositionOf(k);
                    var (bx, by) = grid.PositionOf(bmu);
                    // From the positions alone; on a torus each axis takes the shorter way round its
                    // period (the width; the height, or height·√3/2 on a hexagonal grid).
                    var ddx = Math.Abs(px - bx);
                    var ddy = Math.Abs(py - by);
                    if (grid.Toroidal)
                    {
                        var periodY = grid.Topology == Topology.Hexagonal ? grid.Height * Math.Sqrt(3) / 2 : grid.Height;
                        ddx = Math.Min(ddx, grid.Width - ddx);
                        ddy = Math.Min(ddy, periodY - ddy);
                    }

                    Assert.Equal((ddx * ddx) + (ddy * ddy), ((y & 1) == 1 ? odd : even)[x] + dy[y], 12);
                }
            }
        }
    }
}
