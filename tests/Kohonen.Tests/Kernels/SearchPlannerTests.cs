using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The search planner's choices, and the searches it sends a model's predictions and the
/// quality metrics to, against a plain scan: the same nodes (ties to the lowest index) and distances.</summary>
public class SearchPlannerTests
{
    private static bool HasBlockedVectors => Vector512.IsHardwareAccelerated || Bits256.IsSupported;

    [Fact]
    public void ManyRowsOfManyFeaturesGoToTheBlockedSearchWhereTheProcessorHasItsVectors()
    {
        var expected = HasBlockedVectors ? BmuSearchKind.Blocked : BmuSearchKind.NodeByNode;

        Assert.Equal(expected, SearchPlanner.ForFixedCodebook(16, 300, 256));
        Assert.Equal(expected, SearchPlanner.ForFixedCodebook(8, 2, SearchPlanner.BlockedMinimumRows));
        Assert.Equal(expected, SearchPlanner.ForBestTwo(64, 1600, 256));
    }

    [Fact]
    public void FewRowsOneNodeOrFewFeaturesAreSearchedRowByRow()
    {
        var oneRow = VectorWidths.PreferredLanes > 0 ? BmuSearchKind.BoundedBlocks : BmuSearchKind.Planar;

        Assert.Equal(BmuSearchKind.NodeByNode, SearchPlanner.ForFixedCodebook(16, 300, SearchPlanner.BlockedMinimumRows - 1));
        Assert.Equal(BmuSearchKind.NodeByNode, SearchPlanner.ForFixedCodebook(16, 300, 1));
        Assert.Equal(BmuSearchKind.NodeByNode, SearchPlanner.ForFixedCodebook(16, 1, 256));
        Assert.Equal(oneRow, SearchPlanner.ForFixedCodebook(3, 300, 256));
        Assert.Equal(oneRow, SearchPlanner.ForFixedCodebook(7, 300, 1));
        Assert.Equal(oneRow == BmuSearchKind.BoundedBlocks ? BmuSearchKind.BoundedBlocks : BmuSearchKind.NodeByNode, SearchPlanner.ForBestTwo(3, 300, 256));
        Assert.Equal(BmuSearchKind.NodeByNode, SearchPlanner.ForBestTwo(3, 1, 256));
        Assert.Equal(BmuSearchKind.NodeByNode, SearchPlanner.ForBestTwo(16, 300, 4));
    }

    [Fact]
    public void AMovingCodebookIsSearchedOnPlanesBelowEightFeaturesAndNodeByNodeFromThere()
    {
        Assert.Equal(BmuSearchKind.Planar, SearchPlanner.ForChangingCodebook(1));
        Assert.Equal(BmuSearchKind.Planar, SearchPlanner.ForChangingCodebook(7));
        Assert.Equal(BmuSearchKind.NodeByNode, SearchPlanner.ForChangingCodebook(8));
        Assert.Equal(BmuSearchKind.NodeByNode, SearchPlanner.ForChangingCodebook(300));
        Assert.Equal(VectorWidths.PreferredLanes > 0, SearchPlanner.FusesOnlineStep(3));
        Assert.False(SearchPlanner.FusesOnlineStep(8));
    }

    [Fact]
    public void WithoutHardwareVectorsThePlannerPicksSearchesThatNeedNone()
    {
        // On this machine whatever it has; under DOTNET_EnableHWIntrinsic=0 (a CI run) none of the
        // vector searches may be chosen.
        if (!Vector128.IsHardwareAccelerated)
        {
            Assert.Equal(BmuSearchKind.Planar, SearchPlanner.ForOneRow(3));
            Assert.Equal(BmuSearchKind.NodeByNode, SearchPlanner.ForFixedCodebook(16, 300, 256));
            Assert.False(SearchPlanner.FusesOnlineStep(3));
        }
        else if (VectorWidths.PreferredLanes > 0)
        {
            Assert.Equal(BmuSearchKind.BoundedBlocks, SearchPlanner.ForOneRow(3));
        }
    }

    /// <summary>Dimensions on both sides of the planar limit, row counts on both sides of the blocked
    /// search's minimum, and a chunk of 256 rows plus a remainder.</summary>
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 3, 120, 300 },
        { 8, 50, 15 },
        { 8, 50, 16 },
        { 16, 300, 517 },
        { 33, 7, 40 },
        { 40, 750, 300 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FindBmusOnALatticeFullOfTiesGivesThePlainScanAnswerRowByRow(int dim, int nodes, int rows)
    {
        // Values in quarters and eighths: every distance is exact in float, whatever the order of its
        // sum, so exact ties between nodes are common and the scan's answer is the lowest of them.
        var random = new Random((dim * 1000) + nodes);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => random.Next(0, 5) * 0.25f).ToArray();
        var data = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, dim).Select(_ => random.Next(0, 9) * 0.125f).ToArray()).ToArray();
        var model = SomModel.Create(new Grid(nodes, 1), codebook, dim);

        var bmus = model.FindBmus(TestData.Matrix(data), maxThreads: 2);

        for (var r = 0; r < rows; r++)
        {
            var expected = PlainScan(codebook, dim, data[r], out var expectedD2);
            Assert.Equal(expected, bmus[r].Index);
            Assert.Equal(MathF.Sqrt(expectedD2), bmus[r].Distance);
            Assert.Equal(expected, model.FindBmu(data[r]).Index);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheQuantizationErrorIsTheMeanOfThePlainScanDistances(int dim, int nodes, int rows)
    {
        var random = new Random((dim * 7) + nodes);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => random.Next(0, 5) * 0.25f).ToArray();
        var data = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, dim).Select(_ => random.Next(0, 9) * 0.125f).ToArray()).ToArray();
        var model = SomModel.Create(new Grid(nodes, 1), codebook, dim);
        var expected = 0.0;
        foreach (var row in data)
        {
            PlainScan(codebook, dim, row, out var d2);
            expected += Math.Sqrt(d2);
        }

        Assert.Equal(expected / rows, QualityMetrics.QuantizationError(model, TestData.Matrix(data), 2), 12);
    }

    /// <summary>The plainest scan: the first node at the least distance, summed in double (exact for
    /// the lattice values of these tests) and rounded.</summary>
    private static int PlainScan(float[] codebook, int dim, float[] input, out float bestD2)
    {
        var best = 0;
        var least = double.PositiveInfinity;
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            var sum = 0.0;
            for (var f = 0; f < dim; f++)
            {
                var d = (double)codebook[(k * dim) + f] - input[f];
                sum += d * d;
            }

            if (sum < least)
            {
                (best, least) = (k, sum);
            }
        }

        bestD2 = (float)least;
        return best;
    }
}
