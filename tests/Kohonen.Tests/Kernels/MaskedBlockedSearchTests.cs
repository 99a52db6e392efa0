using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>
/// The masked blocked BMU search (rows with missing values against the blocked layout) against a plain
/// masked scan written here (the distance over the present features in double precision, ties to the
/// lowest index), and, among near ties, against the masked node-by-node scan whose answer it promises.
/// </summary>
public class MaskedBlockedSearchTests
{
    /// <summary>Both vector widths where the hardware has 512-bit vectors, else 256-bit only.</summary>
    private static bool[] Widths => Vector512.IsHardwareAccelerated ? [false, true] : [false];

    public static TheoryData<int, int, int, bool> Shapes()
    {
        var shapes = new TheoryData<int, int, int, bool>();
        foreach (var wide in Widths)
        {
            foreach (var dim in new[] { 1, 3, 8, 9, 17, 64, 300 })
            {
                foreach (var nodes in new[] { 1, 2, 15, 16, 17, 33, 100 })
                {
                    shapes.Add(dim, nodes, 11, wide);
                }
            }

            shapes.Add(64, 1600, 37, wide);
            // More nodes than one L1-sized block holds: the row state carries across blocks.
            shapes.Add(300, 700, 6, wide);
        }

        return shapes;
    }

    /// <summary>The node of least Σ over the present features of (w − x)² in double precision, the
    /// first of equals.</summary>
    private static int PlainBest(float[] codebook, int dim, ReadOnlySpan<float> x)
    {
        var best = -1;
        var bestD2 = double.PositiveInfinity;
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            double d2 = 0;
            for (var f = 0; f < dim; f++)
            {
                if (!float.IsNaN(x[f]))
                {
                    var d = (double)codebook[(k * dim) + f] - x[f];
                    d2 += d * d;
                }
            }

            if (d2 < bestD2)
            {
                bestD2 = d2;
                best = k;
            }
        }

        return best;
    }

    /// <summary>Blanks each value with probability <paramref name="share"/>, keeping at least one
    /// present value per row (a random one).</summary>
    private static void Blank(float[] data, int dim, double share, Random random)
    {
        for (var r = 0; r < data.Length / dim; r++)
        {
            var keep = random.Next(dim);
            for (var f = 0; f < dim; f++)
            {
                if (f != keep && random.NextDouble() < share)
                {
                    data[(r * dim) + f] = float.NaN;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryRowGetsThePlainMaskedBmu(int dim, int nodes, int rows, bool wide)
    {
        var random = new Random((dim * 1000) + nodes);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        var data = Enumerable.Range(0, rows * dim).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        Blank(data, dim, 0.25, random);
        // Row 0: node nodes − 1 over its present features, and node 0 an exact copy of it (an exact
        // tie: node 0 must win). Row 1: every value missing but one. Row 2: most values missing.
        if (nodes > 1)
        {
            codebook.AsSpan((nodes - 1) * dim, dim).CopyTo(codebook.AsSpan(0, dim));
            for (var f = 0; f < dim; f++)
            {
                data[f] = float.IsNaN(data[f]) ? float.NaN : codebook[f];
            }
        }

        data.AsSpan(dim, dim).Fill(float.NaN);
        data[dim + (dim / 2)] = 0.5f;
        for (var f = 0; f < dim - 1; f++)
        {
            data[(2 * dim) + f] = random.NextDouble() < 0.9 ? float.NaN : data[(2 * dim) + f];
        }

        var bmus = new int[rows];
        MaskedBlockedSearch.FindBest(new BlockedBmuSearch.Prepared(codebook, dim, wide), data, bmus);

        for (var r = 0; r < rows; r++)
        {
            Assert.Equal(PlainBest(codebook, dim, data.AsSpan(r * dim, dim)), bmus[r]);
        }
    }

    /// <summary>Small whole numbers: every distance is exact on every path, so there are many exact
    /// ties, and each must go to the lowest node.</summary>
    [Theory]
    [InlineData(8, 60, false)]
    [InlineData(8, 60, true)]
    [InlineData(64, 1600, false)]
    [InlineData(64, 1600, true)]
    [InlineData(19, 250, false)]
    [InlineData(19, 250, true)]
    public void ExactTiesGoToTheLowestNodeWithAndWithoutHints(int dim, int nodes, bool wide)
    {
        Assert.SkipWhen(wide && !Vector512.IsHardwareAccelerated, "no 512-bit vectors on this machine");
        var random = new Random(dim + nodes);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => (float)random.Next(3)).ToArray();
        const int Rows = 83;
        var data = Enumerable.Range(0, Rows * dim).Select(_ => (float)random.Next(3)).ToArray();
        Blank(data, dim, 0.3, random);
        var expected = Enumerable.Range(0, Rows).Select(r => PlainBest(codebook, dim, data.AsSpan(r * dim, dim))).ToArray();
        var prepared = new BlockedBmuSearch.Prepared(codebook, dim, wide);

        var plain = new int[Rows];
        MaskedBlockedSearch.FindBest(prepared, data, plain);
        var hinted = Enumerable.Range(0, Rows).Select(r => random.Next(nodes)).ToArray();
        MaskedBlockedSearch.FindBest(prepared, data, hinted, hinted);

        Assert.Equal(expected, plain);
        Assert.Equal(expected, hinted);
    }

    /// <summary>Large, nearly equal vectors: the expansion loses their difference to cancellation,
    /// the masked distances do not. The missing feature hides node 1's difference, so node 1 ties
    /// node 0 exactly over the present ones, and node 2 is nearer than both.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NearTiesAreDecidedByTheMaskedDistance(bool wide)
    {
        Assert.SkipWhen(wide && !Vector512.IsHardwareAccelerated, "no 512-bit vectors on this machine");
        const int Dim = 32;
        var x = Enumerable.Repeat(1000f, Dim).ToArray();
        var far = (float[])x.Clone();
        far[9] += 0.25f;
        var hidden = (float[])far.Clone();
        hidden[5] += 100f;
        var nearer = (float[])x.Clone();
        nearer[9] += 0.125f;
        nearer[5] = 0f;
        x[5] = float.NaN;
        float[] codebook = [.. far, .. hidden, .. Enumerable.Repeat(0f, Dim), .. nearer];

        var bmus = new int[1];
        MaskedBlockedSearch.FindBest(new BlockedBmuSearch.Prepared(codebook, Dim, wide), x, bmus);

        Assert.Equal(3, bmus[0]);
        x[9] = 1000.25f; // now nodes 0 and 1 are at distance 0, node 3 is not
        MaskedBlockedSearch.FindBest(new BlockedBmuSearch.Prepared(codebook, Dim, wide), x, bmus);
        Assert.Equal(0, bmus[0]);
    }

    /// <summary>
    /// Clusters of nodes that differ in the last bits, so that a lane often holds three or more nodes
    /// within rounding of the second place, and exact copies: the answers are the masked scan's
    /// (<see cref="MaskedSearch.FindBest(ReadOnlySpan{float}, int, ReadOnlySpan{float}, out float)"/>,
    /// whose distances differ from the plain double ones in the last bits).
    /// </summary>
    [Theory]
    [InlineData(8, 40, false)]
    [InlineData(8, 40, true)]
    [InlineData(64, 1600, false)]
    [InlineData(64, 1600, true)]
    [InlineData(300, 375, false)]
    [InlineData(300, 375, true)]
    [InlineData(17, 2, false)]
    [InlineData(13, 100, true)]
    public void AmongNearTiesTheAnswerIsTheMaskedScans(int dim, int nodes, bool wide)
    {
        Assert.SkipWhen(wide && !Vector512.IsHardwareAccelerated, "no 512-bit vectors on this machine");
        var random = new Random(dim + nodes);
        var centres = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, dim).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray()).ToArray();
        var codebook = new float[nodes * dim];
        for (var k = 0; k < nodes; k++)
        {
            var centre = centres[k % centres.Length];
            for (var f = 0; f < dim; f++)
            {
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

        Blank(data, dim, 0.2, random);
        var bmus = new int[Rows];
        var prepared = new BlockedBmuSearch.Prepared(codebook, dim, wide);
        MaskedBlockedSearch.FindBest(prepared, data, bmus);
        var hinted = Enumerable.Range(0, Rows).Select(r => (r * 7) % nodes).ToArray();
        MaskedBlockedSearch.FindBest(prepared, data, hinted, hinted);

        for (var r = 0; r < Rows; r++)
        {
            var expected = MaskedSearch.FindBest(codebook, dim, data.AsSpan(r * dim, dim), out _);
            Assert.Equal(expected, bmus[r]);
            Assert.Equal(expected, hinted[r]);
        }
    }

    public static TheoryData<int, int, string, bool> HintCases()
    {
        var cases = new TheoryData<int, int, string, bool>();
        foreach (var wide in Widths)
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
    /// Hints let the search pass over panels too far to hold a BMU over a row's present features; the
    /// answers must be the plain scan's whatever the hints: the rows' own BMUs (the most passed over),
    /// other rows' BMUs, one node for all, and nodes that do not exist. The nodes sit in tight groups
    /// and the rows farther around the groups' centres, and a row misses up to half its values, so a
    /// bound taken over all the features instead of the present ones passes over a BMU's panel.
    /// </summary>
    [Theory]
    [MemberData(nameof(HintCases))]
    public void HintsChangeNoAnswer(int dim, int nodes, string hints, bool wide)
    {
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

        Blank(data, dim, 0.5 * random.NextDouble(), random);
        var expected = Enumerable.Range(0, Rows).Select(r => PlainBest(codebook, dim, data.AsSpan(r * dim, dim))).ToArray();
        var given = hints switch
        {
            "bmus" => expected,
            "others" => [.. expected.Reverse()],
            "zero" => new int[Rows],
            _ => [.. Enumerable.Range(0, Rows).Select(r => r % 2 == 0 ? -1 : nodes)],
        };
        var prepared = new BlockedBmuSearch.Prepared(codebook, dim, wide);
        var bmus = new int[Rows];
        MaskedBlockedSearch.FindBest(prepared, data, bmus, given);
        Assert.Equal(expected, bmus);

        // The rows' BMUs as hints in place, as the batch map passes them.
        var inPlace = (int[])expected.Clone();
        MaskedBlockedSearch.FindBest(prepared, data, inPlace, inPlace);
        Assert.Equal(expected, inPlace);
    }

    /// <summary>A panel far from a row over all its features but near over its present ones must
    /// still be visited: the hint is near the row's present values only. The nodes are well apart
    /// (no near ties), so nothing but the visit finds the BMU.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void APanelNearOnlyOverThePresentFeaturesIsVisited(bool wide)
    {
        Assert.SkipWhen(wide && !Vector512.IsHardwareAccelerated, "no 512-bit vectors on this machine");
        const int Dim = 16;
        const int Nodes = 192;
        var random = new Random(3);
        var codebook = new float[Nodes * Dim];
        for (var k = 0; k < Nodes; k++)
        {
            for (var f = 0; f < Dim; f++)
            {
                // Nodes 0..95 at 0.5·k in features 0..7 and 0 in 8..15; nodes 96..191 the same in
                // 0..7 (0.5·(k − 96)) and at 50 in 8..15: each half fills whole panels of 24 or 32.
                codebook[(k * Dim) + f] = (float)(random.NextDouble() * 0.02) + (f < 8 ? 0.5f * (k % 96) : k >= 96 ? 50 : 0);
            }
        }

        var row = new float[Dim];
        for (var f = 0; f < Dim; f++)
        {
            row[f] = f < 8 ? codebook[(138 * Dim) + f] : float.NaN;
        }

        var bmus = new int[] { 3 }; // a hint in the other half
        MaskedBlockedSearch.FindBest(new BlockedBmuSearch.Prepared(codebook, Dim, wide), row, bmus, bmus);

        Assert.Equal(138, bmus[0]);
    }
}
