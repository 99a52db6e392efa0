using Kohonen.Kernels;
using Kohonen.Tests.Reference;

namespace Kohonen.Tests.Kernels;

/// <summary>The bounded-blocks search for the best and second-best node against a plain scan that
/// keeps the two least (distance, node) pairs: the same pair and the same best distance bits, on
/// lattices full of exact ties (where the second place is decided by the node index alone), on
/// clusters a few ulps wide, and for inputs far away; at every vector width the machine runs.</summary>
public class BoundedBlocksBestTwoTests
{
    public static TheoryData<int, int, int> NodeCountsAndDimensions()
    {
        var cases = new TheoryData<int, int, int>();
        foreach (var lanes in new[] { 16, 8, 4 })
        {
            foreach (var nodes in new[] { 2, 3, 8, 9, 16, 17, 33, 100, 257, 2500 })
            {
                foreach (var dim in Enumerable.Range(1, BmuSearch.PlanarBelowDimension - 1))
                {
                    cases.Add(nodes, dim, lanes);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(NodeCountsAndDimensions))]
    public void OnALatticeFullOfTiesThePairIsTheScans(int nodes, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random((nodes * 37) + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => random.Next(0, 4) * 0.5f).ToArray();
        var blocks = new BoundedBlocks(codebook, dim, lanes);
        for (var trial = 0; trial < 40; trial++)
        {
            var input = Enumerable.Range(0, dim).Select(_ => trial % 3 switch
            {
                0 => random.Next(0, 4) * 0.5f,
                1 => random.NextSingle() * 1.5f,
                _ => (random.NextSingle() * 60) - 30,
            }).ToArray();

            Assert.Equal(PlainScan.BestTwo(codebook, dim, input), blocks.FindBestTwo(input));
        }
    }

    [Theory]
    [InlineData(50, 50, 3, 16)]
    [InlineData(50, 50, 3, 8)]
    [InlineData(7, 3, 2, 8)]
    [InlineData(13, 9, 5, 4)]
    [InlineData(1, 30, 7, 16)]
    public void BlocksAsTilesOfTheGridGiveTheScansPairAndBmu(int width, int height, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random((width * height) + dim);
        var grid = new Grid(width, height);
        // Weights that follow the grid (as an organised map's), with lattice ties, and a random shuffle of them.
        var organised = Enumerable.Range(0, grid.NodeCount * dim).Select(i => (((i / dim) % width) * 0.5f) + (random.Next(0, 3) * 0.25f)).ToArray();
        var shuffled = organised.OrderBy(_ => random.Next()).ToArray();
        foreach (var codebook in new[] { organised, shuffled })
        {
            var blocks = new BoundedBlocks(codebook, dim, lanes, tiles: grid);
            for (var trial = 0; trial < 60; trial++)
            {
                var input = Enumerable.Range(0, dim).Select(_ => trial % 2 == 0 ? random.Next(0, 2 * width) * 0.25f : (random.NextSingle() * width) - 1).ToArray();
                var expected = PlainScan.BestTwo(codebook, dim, input);

                Assert.Equal(expected, blocks.FindBestTwo(input));
                Assert.Equal((expected.Item1, expected.Item2), (blocks.FindBest(input, out var d2), d2));
            }
        }
    }

    [Theory]
    [InlineData(3, 8)]
    [InlineData(5, 16)]
    [InlineData(2, 4)]
    public void NodesAFewUlpsApartGiveTheScansPair(int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random(dim + lanes);
        var codebook = new float[400 * dim];
        for (var k = 0; k < 400; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                var centre = 2f + ((k / 20) * 0.01f) - (f * 0.002f);
                codebook[(k * dim) + f] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(centre) + random.Next(-3, 4));
            }
        }

        var blocks = new BoundedBlocks(codebook, dim, lanes);
        for (var trial = 0; trial < 300; trial++)
        {
            var node = random.Next(400);
            var input = Enumerable.Range(0, dim).Select(f => codebook[(node * dim) + f] + ((random.NextSingle() - 0.5f) * 1e-6f)).ToArray();
            Assert.Equal(PlainScan.BestTwo(codebook, dim, input), blocks.FindBestTwo(input));
        }
    }

    [Fact]
    public void TheSameNodeTwiceInTheCodebookTakesBothPlacesLowestIndexFirst()
    {
        SkipUnlessRuns(VectorWidths.PreferredLanes);
        // 30 nodes on a line, node 7 repeated as node 23: an input at node 7 has 7 and 23 at distance 0.
        var codebook = Enumerable.Range(0, 30).Select(k => (float)(k == 23 ? 7 : k)).ToArray();
        var blocks = new BoundedBlocks(codebook, 1);

        Assert.Equal((7, 0f, 23), blocks.FindBestTwo([7f]));
    }

    private static void SkipUnlessRuns(int lanes) =>
        Assert.SkipUnless(lanes > 0 && VectorWidths.Runs(lanes), $"this machine does not run {lanes * 32}-bit vectors natively");
}
