using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The bounded-blocks search (boxes of 16 nodes, only the near ones measured) against the
/// plainest scan: the same node and the same distance bits, on codebooks built to break a bound
/// that is off by a rounding: lattices full of exact ties, clusters one ulp apart, and inputs far away;
/// at every vector width (blocks of 16, 8 and 4; a width the machine does not run is skipped).</summary>
public class BoundedBlocksTests
{
    public static TheoryData<int, int, int> NodeCountsAndDimensions()
    {
        var cases = new TheoryData<int, int, int>();
        foreach (var lanes in new[] { 16, 8, 4 })
        {
            foreach (var nodes in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 257, 2500 })
            {
                foreach (var dim in Enumerable.Range(1, BmuSearch.PlanarBelowDimension - 1))
                {
                    cases.Add(nodes, dim, lanes);
                }
            }
        }

        return cases;
    }

    public static TheoryData<int> Widths() => [16, 8, 4];

    [Theory]
    [MemberData(nameof(NodeCountsAndDimensions))]
    public void OnALatticeFullOfTiesTheSearchFindsTheScanBmuWithTheSameDistanceBits(int nodes, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random((nodes * 31) + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => random.Next(0, 5) * 0.25f).ToArray();
        var blocks = new BoundedBlocks(codebook, dim, lanes);
        for (var trial = 0; trial < 40; trial++)
        {
            // On the lattice, between its points, and far outside it.
            var input = Enumerable.Range(0, dim).Select(_ => trial % 3 switch
            {
                0 => random.Next(0, 5) * 0.25f,
                1 => random.NextSingle(),
                _ => (random.NextSingle() * 40) - 20,
            }).ToArray();

            var expected = PlanarKernelTests.ScalarBest(codebook, dim, input, out var expectedD2);
            var actual = blocks.FindBest(input, out var actualD2);

            Assert.Equal((expected, expectedD2), (actual, actualD2));
        }
    }

    [Theory]
    [InlineData(3, 16)]
    [InlineData(7, 16)]
    [InlineData(3, 8)]
    [InlineData(7, 8)]
    public void NodesOneUlpApartAndAnInputBetweenThemGiveTheScanAnswer(int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random(dim);
        // 600 nodes: 40 clusters of 15, each node of a cluster a few ulps from the others, so that
        // boxes are a few ulps wide and bounds and distances differ only in their last bits.
        var codebook = new float[600 * dim];
        for (var k = 0; k < 600; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                var centre = 1f + ((k / 15) * 0.01f) + (f * 0.003f);
                codebook[(k * dim) + f] = Ulps(centre, random.Next(-3, 4));
            }
        }

        var blocks = new BoundedBlocks(codebook, dim, lanes);
        for (var trial = 0; trial < 300; trial++)
        {
            var node = random.Next(600);
            var input = Enumerable.Range(0, dim).Select(f => Ulps(codebook[(node * dim) + f], random.Next(-2, 3))).ToArray();

            var expected = PlanarKernelTests.ScalarBest(codebook, dim, input, out var expectedD2);
            var actual = blocks.FindBest(input, out var actualD2);

            Assert.Equal((expected, expectedD2), (actual, actualD2));
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void TheSameWeightsAtManyNodesGiveTheLowestIndex(int lanes)
    {
        SkipUnlessRuns(lanes);
        // 200 nodes, all at (1, 1) but for the far ones: every block ties.
        var codebook = Enumerable.Range(0, 400).Select(i => i < 20 ? 9f : 1f).ToArray();

        var best = new BoundedBlocks(codebook, 2, lanes).FindBest([1f, 1f], out var d2);

        Assert.Equal((10, 0f), (best, d2));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void WhenEveryDistanceOverflowsTheAnswerIsNodeZeroAtInfinity(int lanes)
    {
        SkipUnlessRuns(lanes);
        var codebook = Enumerable.Range(0, 40 * 3).Select(i => 1e30f * (1 + (i % 7))).ToArray();

        var best = new BoundedBlocks(codebook, 3, lanes).FindBest([-1e30f, 0f, 0f], out var d2);

        Assert.Equal((0, float.PositiveInfinity), (best, d2));
    }

    [Theory]
    [InlineData(16, 100)]
    [InlineData(8, 200)]
    public void NearNodesShareABlockSoATrainedMapMeasuresFewBlocks(int lanes, int blockCount)
    {
        SkipUnlessRuns(lanes);
        // A 40×40 grid of points in the unit square, as a trained map of 2-D data would be.
        var codebook = Enumerable.Range(0, 1600).SelectMany(k => new[] { (k % 40) / 40f, (k / 40) / 40f }).ToArray();

        var blocks = new BoundedBlocks(codebook, 2, lanes);

        // 1,600 / lanes blocks; each block's box is a small patch (a 4×4 square of points spans 3/40,
        // a 4×2 one less).
        Assert.Equal(blockCount, blocks.BlockCount);
        Assert.All(Enumerable.Range(0, blocks.BlockCount), b => Assert.True(blocks.BoxWidth(b) <= 7 / 40f + 1e-6f, $"block {b} spans {blocks.BoxWidth(b)}"));
    }

    [Fact]
    public void TheManyRowSearchOfANearestNodeGivesEachRowsScanAnswer()
    {
        var random = new Random(3);
        var codebook = Enumerable.Range(0, 500 * 3).Select(_ => random.Next(0, 5) * 0.25f).ToArray();
        var search = new NearestNode(codebook, 3);
        var rows = Enumerable.Range(0, 37 * 3).Select(_ => random.Next(0, 9) * 0.125f).ToArray();
        var best = new int[37];
        var d2 = new float[37];

        search.FindBest(rows, best, d2);

        for (var r = 0; r < 37; r++)
        {
            var expected = PlanarKernelTests.ScalarBest(codebook, 3, rows[(r * 3)..((r + 1) * 3)], out var expectedD2);
            Assert.Equal((expected, expectedD2), (best[r], d2[r]));
        }
    }

    private static void SkipUnlessRuns(int lanes) =>
        Assert.SkipUnless(VectorWidths.Runs(lanes), $"this machine does not run {lanes * 32}-bit vectors natively");

    /// <summary>The float <paramref name="steps"/> representable values above (or below) <paramref name="x"/>.</summary>
    private static float Ulps(float x, int steps) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x) + steps);
}
