using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The bounded blocks' search of many rows through a grid of cells (1 to 3 features) against a
/// plain scan written here: the same node and the same distance bits for every row, in the rows'
/// order, on codebooks built to break a candidate list that is off by a rounding (lattices full of
/// exact ties, clusters one ulp apart), with inputs on cell edges, outside the grid, far away, NaN
/// and infinite; at every vector width (a width the machine does not run is skipped).</summary>
public class BoundedBlocksCellsTests
{
    public static TheoryData<int, int, int> NodeCountsAndDimensions()
    {
        var cases = new TheoryData<int, int, int>();
        foreach (var lanes in new[] { 16, 8, 4 })
        {
            foreach (var nodes in new[] { 1, 2, 9, 17, 100, 257, 2500 })
            {
                foreach (var dim in new[] { 1, 2, 3 })
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
    public void OnALatticeFullOfTiesEveryRowGetsTheScanBmuWithTheSameDistanceBits(int nodes, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random((nodes * 31) + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => random.Next(0, 5) * 0.25f).ToArray();
        var blocks = new BoundedBlocks(codebook, dim, lanes);
        Assert.True(blocks.PrepareCells(perAxis: 8));

        // On the lattice, on a fine grid of eighths (the edges of many cells), between, and far outside.
        var rows = Enumerable.Range(0, 600 * dim).Select(i => (i / dim) % 4 switch
        {
            0 => random.Next(0, 5) * 0.25f,
            1 => random.Next(-2, 11) * 0.125f,
            2 => (random.NextSingle() * 1.4f) - 0.2f,
            _ => (random.NextSingle() * 40) - 20,
        }).ToArray();

        AssertEveryRowIsTheScans(blocks, codebook, dim, rows);
    }

    [Theory]
    [MemberData(nameof(NodeCountsAndDimensions))]
    public void WithTheDefaultGridEveryRowGetsTheScanBmu(int nodes, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random((nodes * 17) + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => random.NextSingle()).ToArray();
        var blocks = new BoundedBlocks(codebook, dim, lanes);
        Assert.True(blocks.PrepareCells());
        var rows = Enumerable.Range(0, 2000 * dim).Select(_ => (random.NextSingle() * 1.3f) - 0.15f).ToArray();

        AssertEveryRowIsTheScans(blocks, codebook, dim, rows);
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 16)]
    [InlineData(3, 16)]
    [InlineData(3, 8)]
    [InlineData(2, 4)]
    public void NodesOneUlpApartAndInputsBetweenThemGiveTheScanAnswer(int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random(dim);
        // 40 clusters of 15 nodes, each node a few ulps from the others of its cluster: the cells are
        // much wider than a cluster, and distances within one differ only in their last bits.
        var codebook = new float[600 * dim];
        for (var k = 0; k < 600; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                codebook[(k * dim) + f] = Ulps(1f + ((k / 15) * 0.01f) + (f * 0.003f), random.Next(-3, 4));
            }
        }

        var blocks = new BoundedBlocks(codebook, dim, lanes);
        Assert.True(blocks.PrepareCells());
        var rows = new float[500 * dim];
        for (var r = 0; r < 500; r++)
        {
            var node = random.Next(600);
            for (var f = 0; f < dim; f++)
            {
                rows[(r * dim) + f] = Ulps(codebook[(node * dim) + f], random.Next(-2, 3));
            }
        }

        AssertEveryRowIsTheScans(blocks, codebook, dim, rows);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void NaNAndInfiniteRowsAmongOthersKeepTheirPlaceAndTheOneRowAnswer(int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random(5);
        var codebook = Enumerable.Range(0, 300 * 3).Select(_ => random.NextSingle()).ToArray();
        var blocks = new BoundedBlocks(codebook, 3, lanes);
        Assert.True(blocks.PrepareCells());
        float[] rows =
        [
            0.5f, 0.5f, 0.5f,
            float.NaN, 0.5f, 0.5f,
            0.1f, float.PositiveInfinity, 0.2f,
            0.9f, 0.1f, 0.3f,
            float.NegativeInfinity, 0f, 0f,
            3e30f, -3e30f, 0f,
            0.2f, 0.8f, float.NaN,
            0.25f, 0.75f, 0.5f,
        ];
        var best = new int[8];
        var d2 = new float[8];

        blocks.FindBest(rows, best, d2);

        for (var r = 0; r < 8; r++)
        {
            var row = rows[(r * 3)..((r + 1) * 3)];
            var one = blocks.FindBest(row, out var oneD2);
            Assert.Equal((one, oneD2), (best[r], d2[r]));
            if (row.All(float.IsFinite))
            {
                Assert.Equal(Scan(codebook, 3, row), (best[r], d2[r]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void TheSameWeightsAtManyNodesGiveTheLowestIndex(int lanes)
    {
        SkipUnlessRuns(lanes);
        // 200 nodes of 2 features, all at (1, 1) but the first ten, at (9, 9): every cell near (1, 1) ties.
        var codebook = Enumerable.Range(0, 400).Select(i => i < 20 ? 9f : 1f).ToArray();
        var blocks = new BoundedBlocks(codebook, 2, lanes);
        Assert.True(blocks.PrepareCells());
        float[] rows = [1f, 1f, 1.5f, 0.5f, 9f, 9f, 5f, 5f];
        var best = new int[4];
        var d2 = new float[4];

        blocks.FindBest(rows, best, d2);

        // (5, 5) is as far from (1, 1) as from (9, 9): node 0, the lowest index at that distance.
        Assert.Equal([10, 10, 0, 0], best);
        Assert.Equal([0f, 0.5f, 0f, 32f], d2);
    }

    [Fact]
    public void TheGridIsLaidOutOnceEnoughRowsHaveBeenSearchedAndAnswersStayTheSame()
    {
        SkipWithoutVectors();
        var random = new Random(9);
        var codebook = Enumerable.Range(0, 100 * 3).Select(_ => random.NextSingle()).ToArray();
        var blocks = new BoundedBlocks(codebook, 3);
        var rows = Enumerable.Range(0, 1000 * 3).Select(_ => random.NextSingle()).ToArray();
        var best = new int[1000];
        var d2 = new float[1000];
        var calls = (BoundedBlocks.CellsAfterRowsPerNode * 100 / 1000) + 1;

        for (var call = 0; call < calls; call++)
        {
            Assert.False(blocks.HasCells);
            blocks.FindBest(rows, best, d2);
        }

        Assert.True(blocks.HasCells);
        blocks.FindBest(rows, best, d2);
        for (var r = 0; r < 1000; r++)
        {
            Assert.Equal(Scan(codebook, 3, rows[(r * 3)..((r + 1) * 3)]), (best[r], d2[r]));
        }
    }

    [Fact]
    public void OnAnOrganisedMapACellMeasuresAFewBlocks()
    {
        SkipWithoutVectors();
        // A 50×50 sheet of points bent through the unit cube, as a trained map of 3-D data lies.
        var codebook = Enumerable.Range(0, 2500)
            .SelectMany(k => new[] { (k % 50) / 50f, (k / 50) / 50f, 0.5f + (0.3f * MathF.Sin(k % 50 / 8f)) })
            .ToArray();
        var blocks = new BoundedBlocks(codebook, 3);

        Assert.True(blocks.PrepareCells());

        // A cell's blocks hold at most about a tenth of the 2,500 nodes (the box bounds measure every
        // block's box): 157 blocks of 16 lanes, 313 of 8 or 625 of 4.
        Assert.InRange(blocks.BlocksPerCell * VectorWidths.PreferredLanes, 1, 256);
    }

    [Fact]
    public void FourFeaturesOrMoreHaveNoGridAndSearchRowByRow()
    {
        SkipWithoutVectors();
        var random = new Random(2);
        var codebook = Enumerable.Range(0, 50 * 4).Select(_ => random.NextSingle()).ToArray();
        var blocks = new BoundedBlocks(codebook, 4);
        var rows = Enumerable.Range(0, 20 * 4).Select(_ => random.NextSingle()).ToArray();

        Assert.False(blocks.PrepareCells());
        AssertEveryRowIsTheScans(blocks, codebook, 4, rows);
    }

    [Fact]
    public void WeightsTooLargeForTheGridsMarginsLeaveItOut()
    {
        SkipWithoutVectors();
        var codebook = new[] { 0f, 1e18f, 5f, 6f, -3e17f, 2f };
        var blocks = new BoundedBlocks(codebook, 2);

        Assert.False(blocks.PrepareCells());
        AssertEveryRowIsTheScans(blocks, codebook, 2, [1f, 1f, 4e17f, 1e18f]);
    }

    private static void AssertEveryRowIsTheScans(BoundedBlocks blocks, float[] codebook, int dim, float[] rows)
    {
        var count = rows.Length / dim;
        var best = new int[count];
        var d2 = new float[count];

        blocks.FindBest(rows, best, d2);

        for (var r = 0; r < count; r++)
        {
            var expected = Scan(codebook, dim, rows[(r * dim)..((r + 1) * dim)]);
            Assert.True(expected == (best[r], d2[r]), $"row {r} ({string.Join(", ", rows[(r * dim)..((r + 1) * dim)])}): scan {expected}, search ({best[r]}, {d2[r]})");
        }
    }

    /// <summary>The plainest scan: every node's d₀·d₀ + d₁·d₁ + … as fused multiply-adds, the first
    /// node at the least distance.</summary>
    private static (int Node, float D2) Scan(float[] codebook, int dim, float[] input)
    {
        var (node, least) = (0, float.PositiveInfinity);
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            var sum = 0f;
            for (var f = 0; f < dim; f++)
            {
                var d = codebook[(k * dim) + f] - input[f];
                sum = MathF.FusedMultiplyAdd(d, d, sum);
            }

            if (sum < least)
            {
                (node, least) = (k, sum);
            }
        }

        return (node, least);
    }

    /// <summary>Without vectors (DOTNET_EnableHWIntrinsic=0) there are no bounded blocks: the planner
    /// searches with the scalar scan.</summary>
    private static void SkipWithoutVectors() =>
        Assert.SkipUnless(VectorWidths.PreferredLanes > 0, "this machine runs no vectors here, so there are no bounded blocks");

    private static void SkipUnlessRuns(int lanes) =>
        Assert.SkipUnless(VectorWidths.Runs(lanes), $"this machine does not run {lanes * 32}-bit vectors natively");

    /// <summary>The float <paramref name="steps"/> representable values above (or below) <paramref name="x"/>.</summary>
    private static float Ulps(float x, int steps) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x) + steps);
}
