using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The grouped bounded-blocks search (boxes of groups of blocks first) against the plainest
/// scan: the same node and the same distance bits, on lattices full of exact ties, clusters one ulp
/// apart, trained-map-like grids and inputs far away; at every vector width the machine runs.</summary>
public class BoundedBlocksGroupedTests
{
    public static TheoryData<int, int, int> NodeCountsAndDimensions()
    {
        var cases = new TheoryData<int, int, int>();
        foreach (var lanes in new[] { 16, 8, 4 })
        {
            foreach (var nodes in new[] { 1, 2, 17, 100, 257, 513, 1000, 2500 })
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
    public void OnALatticeFullOfTiesTheGroupedSearchFindsTheScanBmuWithTheSameDistanceBits(int nodes, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random((nodes * 37) + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => random.Next(0, 5) * 0.25f).ToArray();
        var blocks = new BoundedBlocks(codebook, dim, lanes);
        for (var trial = 0; trial < 60; trial++)
        {
            // On the lattice, between its points, and far outside it.
            var input = Enumerable.Range(0, dim).Select(_ => trial % 3 switch
            {
                0 => random.Next(0, 5) * 0.25f,
                1 => random.Next(0, 9) * 0.125f,
                _ => (random.NextSingle() * 40) - 20,
            }).ToArray();

            var expected = PlanarKernelTests.ScalarBest(codebook, dim, input, out var expectedD2);
            var actual = blocks.FindBestGrouped(input, out var actualD2);

            Assert.Equal((expected, expectedD2), (actual, actualD2));
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void OnAGridLikeATrainedMapEveryInputGetsTheScanAnswer(int lanes)
    {
        SkipUnlessRuns(lanes);
        // A 50×50 grid of points in the unit cube's diagonal plane, slightly jittered: compact groups.
        var random = new Random(lanes);
        var codebook = Enumerable.Range(0, 2500).SelectMany(k => new[]
        {
            (k % 50) / 50f + (random.NextSingle() * 0.01f), (k / 50) / 50f, ((k % 50) + (k / 50)) / 100f,
        }).ToArray();
        var blocks = new BoundedBlocks(codebook, 3, lanes);
        Assert.True(blocks.BlockCount >= BoundedBlocks.GroupedFromBlocks);
        for (var trial = 0; trial < 2_000; trial++)
        {
            var input = new[] { (random.NextSingle() * 1.2f) - 0.1f, (random.NextSingle() * 1.2f) - 0.1f, random.NextSingle() };
            var expected = PlanarKernelTests.ScalarBest(codebook, 3, input, out var expectedD2);
            var actual = blocks.FindBestGrouped(input, out var actualD2);

            Assert.Equal((expected, expectedD2), (actual, actualD2));
        }
    }

    [Theory]
    [InlineData(3, 16)]
    [InlineData(7, 16)]
    [InlineData(3, 8)]
    [InlineData(7, 8)]
    [InlineData(3, 4)]
    public void NodesOneUlpApartAndAnInputBetweenThemGiveTheScanAnswer(int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random(dim + lanes);
        // 1,200 nodes: 80 clusters of 15, each node of a cluster a few ulps from the others, so that
        // boxes are a few ulps wide and bounds and distances differ only in their last bits.
        var codebook = new float[1200 * dim];
        for (var k = 0; k < 1200; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                var centre = 1f + ((k / 15) * 0.01f) + (f * 0.003f);
                codebook[(k * dim) + f] = Ulps(centre, random.Next(-3, 4));
            }
        }

        var blocks = new BoundedBlocks(codebook, dim, lanes);
        for (var trial = 0; trial < 400; trial++)
        {
            var node = random.Next(1200);
            var input = Enumerable.Range(0, dim).Select(f => Ulps(codebook[(node * dim) + f], random.Next(-2, 3))).ToArray();
            var expected = PlanarKernelTests.ScalarBest(codebook, dim, input, out var expectedD2);
            var actual = blocks.FindBestGrouped(input, out var actualD2);

            Assert.Equal((expected, expectedD2), (actual, actualD2));
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void WhenEveryDistanceOverflowsTheAnswerIsNodeZeroAtInfinity(int lanes)
    {
        SkipUnlessRuns(lanes);
        var codebook = Enumerable.Range(0, 700 * 3).Select(i => 1e30f * (1 + (i % 7))).ToArray();

        var best = new BoundedBlocks(codebook, 3, lanes).FindBestGrouped([-1e30f, 0f, 0f], out var d2);

        Assert.Equal((0, float.PositiveInfinity), (best, d2));
    }

    [Fact]
    public void TheManyRowSearchOfALargeMapGivesEachRowsScanAnswer()
    {
        var random = new Random(9);
        var codebook = Enumerable.Range(0, 2500 * 3).Select(_ => random.Next(0, 9) * 0.125f).ToArray();
        var search = new NearestNode(codebook, 3);
        var rows = Enumerable.Range(0, 300 * 3).Select(_ => random.Next(0, 17) * 0.0625f).ToArray();
        var best = new int[300];
        var d2 = new float[300];

        search.FindBest(rows, best, d2);

        for (var r = 0; r < 300; r++)
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
