using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The blocked (matrix-product) BMU search against the plain exact scalar search.</summary>
public class BlockedBmuSearchTests
{
    /// <summary>Both vector widths where the hardware has 512-bit vectors, else 256-bit only.</summary>
    private static bool[] Widths => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? [false, true] : [false];

    public static TheoryData<int, int, int, bool> Shapes()
    {
        var shapes = new TheoryData<int, int, int, bool>();
        foreach (var wide in Widths)
        {
            foreach (var dim in new[] { 1, 3, 8, 9, 17, 64, 300 })
            {
                foreach (var nodes in new[] { 1, 2, 15, 16, 17, 33, 100 })
                {
                    shapes.Add(dim, nodes, 9, wide);
                }
            }

            shapes.Add(64, 1600, 37, wide);
            // More nodes than one L1-sized block holds: the row state carries across blocks.
            shapes.Add(300, 700, 6, wide);
        }

        return shapes;
    }

    /// <summary>The row norm is ‖x‖² summed in float32 in some order: within the bound the search's
    /// margins assume (a relative (n + 2)·2⁻²³ of the exact sum), for every length around the
    /// vector widths and their tails, and +∞ with an infinite value.</summary>
    [Fact]
    public void RowNormIsTheSumOfSquaresWithinFloatRounding()
    {
        var random = new Random(11);
        for (var n = 0; n <= 70; n++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 200) - 100)).ToArray();
            var exact = x.Sum(v => (double)v * v);
            var norm = BlockedBmuSearch.RowNorm(x);
            Assert.True(Math.Abs(norm - exact) <= (n + 2) * Math.Pow(2, -23) * exact, $"n = {n}: {norm} against {exact}");
            if (n > 0)
            {
                x[n - 1] = float.NegativeInfinity;
                Assert.Equal(float.PositiveInfinity, BlockedBmuSearch.RowNorm(x));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BlockedSearchFindsTheExactBmuOfEveryRow(int dim, int nodes, int rows, bool wide)
    {
        var random = new Random((dim * 1000) + nodes);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        var data = Enumerable.Range(0, rows * dim).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        // Plant an exact copy of node nodes−1 as node 0 (an exact tie: node 0 must win), and make row 0
        // equal to that node.
        if (nodes > 1)
        {
            codebook.AsSpan((nodes - 1) * dim, dim).CopyTo(codebook.AsSpan(0, dim));
            codebook.AsSpan(0, dim).CopyTo(data.AsSpan(0, dim));
        }

        var bmus = new int[rows];
        BlockedBmuSearch.FindBest(new BlockedBmuSearch.Prepared(codebook, dim, wide), data, bmus);

        for (var r = 0; r < rows; r++)
        {
            Assert.Equal(ExactBest(codebook, dim, data.AsSpan(r * dim, dim)), bmus[r]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NearTiesAreDecidedByTheExactDistance(bool wide)
    {
        Assert.SkipWhen(wide && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, "no 512-bit vectors on this machine");
        // Large, nearly equal vectors: ‖x‖² − 2x·w + ‖w‖² loses the difference to cancellation, the
        // exact distances do not.
        const int Dim = 32;
        var x = Enumerable.Repeat(1000f, Dim).ToArray();
        var near = (float[])x.Clone();
        near[5] += 0.25f;
        var nearer = (float[])x.Clone();
        nearer[9] += 0.125f;
        float[] codebook = [.. Enumerable.Repeat(0f, Dim), .. near, .. nearer];

        var bmus = new int[1];
        BlockedBmuSearch.FindBest(new BlockedBmuSearch.Prepared(codebook, Dim, wide), x, bmus);

        Assert.Equal(2, bmus[0]);
    }

    /// <summary>
    /// The exact top two (for QE and TE) against the node-by-node scan of exact distances, on data
    /// where near ties are the rule: clusters of nodes that differ in the last bits, so that a lane
    /// often holds three or more nodes within rounding of the second place, and exact copies.
    /// </summary>
    [Theory]
    [InlineData(8, 40, false)]
    [InlineData(8, 40, true)]
    [InlineData(64, 1600, false)]
    [InlineData(64, 1600, true)]
    [InlineData(300, 375, false)]
    [InlineData(300, 375, true)]
    [InlineData(17, 2, false)]
    [InlineData(17, 2, true)]
    [InlineData(13, 100, false)]
    public void TheBestAndTopTwoAreThoseOfTheNodeByNodeScanEvenAmongNearTies(int dim, int nodes, bool wide)
    {
        Assert.SkipWhen(wide && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, "no 512-bit vectors on this machine");
        var random = new Random(dim + nodes);
        var centres = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, dim).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray()).ToArray();
        var codebook = new float[nodes * dim];
        for (var k = 0; k < nodes; k++)
        {
            var centre = centres[k % centres.Length];
            for (var f = 0; f < dim; f++)
            {
                // A third of the nodes are exact copies of their centre, the rest a few ulps away.
                codebook[(k * dim) + f] = k % 3 == 0 ? centre[f] : centre[f] + (float)(random.Next(-4, 5) * 1e-6);
            }
        }

        const int Rows = 61;
        var data = new float[Rows * dim];
        for (var r = 0; r < Rows; r++)
        {
            var centre = centres[random.Next(centres.Length)];
            for (var f = 0; f < dim; f++)
            {
                data[(r * dim) + f] = centre[f] + (float)(random.NextDouble() * (r % 2 == 0 ? 1e-3 : 1.0));
            }
        }

        var (best, second, d2) = (new int[Rows], new int[Rows], new float[Rows]);
        var prepared = new BlockedBmuSearch.Prepared(codebook, dim, wide);
        BlockedBmuSearch.FindBestTwo(prepared, data, best, second, d2);
        var bmus = new int[Rows];
        BlockedBmuSearch.FindBest(prepared, data, bmus);

        for (var r = 0; r < Rows; r++)
        {
            var expected = BmuSearch.FindBestTwo(codebook, dim, data.AsSpan(r * dim, dim));
            Assert.Equal((expected.Best, expected.BestD2, expected.Second), (best[r], d2[r], second[r]));
            Assert.Equal(expected.Best, bmus[r]);
        }
    }

    public static TheoryData<int, int, string, bool> HintCases()
    {
        var cases = new TheoryData<int, int, string, bool>();
        foreach (var wide in new[] { false, true })
        {
            foreach (var (dim, nodes) in new[] { (64, 1600), (300, 375), (8, 100), (17, 40) })
            {
                foreach (var hints in new[] { "bmus", "others", "zero", "invalid" })
                {
                    cases.Add(dim, nodes, hints, wide);
                }
            }
        }

        return cases;
    }

    /// <summary>
    /// Hints let the search pass over panels too far to hold a BMU; the answers must be the exact
    /// scan's whatever the hints: the rows' own BMUs (the most passed over), other rows' BMUs, one
    /// node for all, and nodes that do not exist (nothing passed over). The nodes sit in tight
    /// groups of about a dozen and the rows farther around the groups' centres, so that panels are
    /// small against the rows' distances and a bound taken too boldly passes over a BMU's panel.
    /// </summary>
    [Theory]
    [MemberData(nameof(HintCases))]
    public void HintsChangeNoAnswer(int dim, int nodes, string hints, bool wide)
    {
        Assert.SkipWhen(wide && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, "no 512-bit vectors on this machine");
        var random = new Random(dim + nodes);
        var centres = Enumerable.Range(0, Math.Max(2, nodes / 12)).Select(_ => Enumerable.Range(0, dim).Select(_ => (float)random.NextDouble() * 4).ToArray()).ToArray();
        float Near(float[] centre, int f, double spread) => centre[f] + (float)((random.NextDouble() - 0.5) * spread);
        var codebook = new float[nodes * dim];
        for (var k = 0; k < nodes; k++)
        {
            var centre = centres[k % centres.Length];
            for (var f = 0; f < dim; f++)
            {
                codebook[(k * dim) + f] = Near(centre, f, 0.02);
            }
        }

        const int Rows = 301;
        var data = new float[Rows * dim];
        for (var r = 0; r < Rows; r++)
        {
            var centre = centres[random.Next(centres.Length)];
            for (var f = 0; f < dim; f++)
            {
                data[(r * dim) + f] = Near(centre, f, 0.6);
            }
        }

        var expected = Enumerable.Range(0, Rows).Select(r => BmuSearch.FindBestTwo(codebook, dim, data.AsSpan(r * dim, dim)).Best).ToArray();
        var given = hints switch
        {
            "bmus" => expected,
            "others" => [.. expected.Reverse()],
            "zero" => new int[Rows],
            _ => [.. Enumerable.Range(0, Rows).Select(r => r % 2 == 0 ? -1 : nodes)],
        };
        var prepared = new BlockedBmuSearch.Prepared(codebook, dim, wide);
        var bmus = new int[Rows];
        BlockedBmuSearch.FindBest(prepared, data, bmus, given);
        Assert.Equal(expected, bmus);

        // The rows' BMUs as hints in place, as the batch map passes them.
        var inPlace = (int[])expected.Clone();
        BlockedBmuSearch.FindBest(prepared, data, inPlace, inPlace);
        Assert.Equal(expected, inPlace);
    }

    private static int ExactBest(float[] codebook, int dim, ReadOnlySpan<float> x)
    {
        var best = 0;
        var bestD2 = double.PositiveInfinity;
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            double d2 = 0;
            for (var f = 0; f < dim; f++)
            {
                var d = (double)codebook[(k * dim) + f] - x[f];
                d2 += d * d;
            }

            if (d2 < bestD2)
            {
                bestD2 = d2;
                best = k;
            }
        }

        return best;
    }
}
