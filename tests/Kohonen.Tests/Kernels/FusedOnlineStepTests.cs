using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The fused online step (update of one sample, then the next sample's search, in one pass
/// over a row-padded codebook) against the plain loops: the same weights and the same BMU, bit for
/// bit, on widths around every vector boundary and every planar dimension, at every vector width
/// (16 lanes of 512 bits, 8 of 256, 4 of 128; a width the machine does not run is skipped).</summary>
public class FusedOnlineStepTests
{
    public static TheoryData<int, int, int, int> Shapes()
    {
        var cases = new TheoryData<int, int, int, int>();
        foreach (var lanes in new[] { 16, 8, 4 })
        {
            foreach (var (width, height) in new[] { (1, 1), (1, 5), (5, 3), (7, 2), (8, 3), (9, 2), (15, 2), (16, 3), (17, 4), (31, 1), (33, 3), (50, 2) })
            {
                foreach (var dim in Enumerable.Range(1, BmuSearch.PlanarBelowDimension - 1))
                {
                    cases.Add(width, height, dim, lanes);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheFusedStepMovesTheWeightsAndFindsTheNextBmuAsThePlainLoopsDo(int width, int height, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random((width * 1000) + (height * 10) + dim);
        var codebook = Enumerable.Range(0, width * height * dim).Select(_ => random.NextSingle()).ToArray();
        var planes = new RowPlanes(codebook, width, height, dim, lanes);
        for (var trial = 0; trial < 12; trial++)
        {
            var sample = RandomVector(random, dim);
            var next = RandomVector(random, dim);
            // Steps from large to below the cut-off; some rows do not move at all.
            var rowScales = Enumerable.Range(0, height).Select(_ => random.Next(4) == 0 ? 0f : random.NextSingle() * 0.3f).ToArray();
            var gxEven = ColumnFactors(random, planes.Stride);
            var gxOdd = trial % 2 == 0 ? gxEven : ColumnFactors(random, planes.Stride);
            var cutoff = trial % 3 == 0 ? 0f : 1e-3f;

            PlainStep(codebook, width, height, dim, sample, rowScales, gxEven, gxOdd, cutoff);
            var expected = PlainSearch(codebook, dim, next, out var expectedD2);
            var actual = FusedOnlineStep.UpdateAndFindNext(planes, sample, rowScales, gxEven, gxOdd, cutoff, next, out var actualD2);

            var moved = new float[codebook.Length];
            planes.CopyTo(moved);
            Assert.Equal(codebook, moved);
            Assert.Equal((expected, expectedD2), (actual, actualD2));
        }
    }

    [Theory]
    [InlineData(17, 3, 3, 16)]
    [InlineData(40, 2, 5, 16)]
    [InlineData(17, 3, 3, 8)]
    [InlineData(13, 2, 5, 8)]
    public void TiesGoToTheLowestNodeIndexAsInASequentialScan(int width, int height, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random(5);
        var nodes = width * height;
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => 2 + random.NextSingle()).ToArray();
        var input = new float[dim];
        // The same closest weights at three nodes in different lanes and rows.
        foreach (var node in new[] { nodes - 1, width + 3, 5 })
        {
            codebook.AsSpan(node * dim, dim).Fill(0.5f);
        }

        var best = FusedOnlineStep.FindBest(new RowPlanes(codebook, width, height, dim, lanes), input, out var d2);

        Assert.Equal(5, best);
        Assert.Equal(0.25f * dim, d2);
    }

    [Theory]
    [InlineData(17, 3, 3, 16)]
    [InlineData(40, 2, 5, 16)]
    [InlineData(17, 3, 3, 8)]
    [InlineData(13, 2, 5, 8)]
    public void ANodeWithANaNWeightIsNeverTheBmuAsInASequentialScan(int width, int height, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random(9);
        var codebook = Enumerable.Range(0, width * height * dim).Select(_ => 1 + random.NextSingle()).ToArray();
        var input = new float[dim];
        codebook[(4 * dim) + 1] = float.NaN;
        codebook.AsSpan((width + 3) * dim, dim).Fill(0.25f);
        var expected = PlainSearch(codebook, dim, input, out var expectedD2);

        var best = FusedOnlineStep.FindBest(new RowPlanes(codebook, width, height, dim, lanes), input, out var d2);

        Assert.Equal((width + 3, 0.0625f * dim), (expected, expectedD2));
        Assert.Equal((expected, expectedD2), (best, d2));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    public void WhenNoNodeIsCloserThanInfinityTheFirstNodeOfTheRowsIsTheAnswer(int lanes)
    {
        SkipUnlessRuns(lanes);
        // Every squared distance overflows float32 (1e30² = 1e60).
        var planes = new RowPlanes(Enumerable.Repeat(1e30f, 20 * 4 * 3).ToArray(), 20, 4, 3, lanes);
        var none = new float[4];
        var columns = new float[planes.Stride];

        var lower = FusedOnlineStep.UpdateAndFindNext(planes, new float[3], none, columns, columns, 0f, new float[3], 0, 2, out var lowerD2);
        var upper = FusedOnlineStep.UpdateAndFindNext(planes, new float[3], none, columns, columns, 0f, new float[3], 2, 4, out var upperD2);

        Assert.Equal((0, float.PositiveInfinity), (lower, lowerD2));
        Assert.Equal((40, float.PositiveInfinity), (upper, upperD2));
    }

    [Theory]
    [InlineData(33, 6, 3, 2, 16)]
    [InlineData(16, 5, 2, 3, 16)]
    [InlineData(33, 6, 3, 2, 8)]
    [InlineData(11, 5, 2, 3, 8)]
    public void AStepOverPartOfTheRowsFindsTheBestOfThoseRows(int width, int height, int dim, int split, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random(width + height);
        var codebook = Enumerable.Range(0, width * height * dim).Select(_ => random.NextSingle()).ToArray();
        var planes = new RowPlanes(codebook, width, height, dim, lanes);
        var next = RandomVector(random, dim);
        var none = new float[height];
        var columns = new float[planes.Stride];
        var lowerNodes = split * width;
        var expectedLower = PlainSearch(codebook[..(lowerNodes * dim)], dim, next, out var lowerD2);
        var expectedUpper = lowerNodes + PlainSearch(codebook[(lowerNodes * dim)..], dim, next, out var upperD2);

        var lower = FusedOnlineStep.UpdateAndFindNext(planes, next, none, columns, columns, 0f, next, 0, split, out var actualLowerD2);
        var upper = FusedOnlineStep.UpdateAndFindNext(planes, next, none, columns, columns, 0f, next, split, height, out var actualUpperD2);

        Assert.Equal((expectedLower, lowerD2), (lower, actualLowerD2));
        Assert.Equal((expectedUpper, upperD2), (upper, actualUpperD2));
    }

    public static TheoryData<int, int, int, int> TiledShapes()
    {
        var cases = new TheoryData<int, int, int, int>();
        foreach (var lanes in new[] { 16, 8, 4 })
        {
            // Rows shorter and longer than a vector, a period of several rows (13 and 16 lanes:
            // 208), and maps of more than eight vectors (the chunks the BMU is looked for in).
            foreach (var (width, height) in new[] { (5, 3), (13, 9), (17, 4), (20, 15), (50, 7), (37, 23) })
            {
                foreach (var dim in new[] { 1, 3, 7 })
                {
                    cases.Add(width, height, dim, lanes);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(TiledShapes))]
    public void TheTiledStepMovesTheWeightsAndFindsTheNextBmuAsThePlainLoopsDo(int width, int height, int dim, int lanes)
    {
        SkipUnlessRuns(lanes);
        var random = new Random((width * 1000) + (height * 10) + dim);
        var codebook = Enumerable.Range(0, width * height * dim).Select(_ => random.NextSingle()).ToArray();
        var planes = new RowPlanes(codebook, width * height, 1, dim, lanes);
        for (var trial = 0; trial < 12; trial++)
        {
            var sample = RandomVector(random, dim);
            var next = RandomVector(random, dim);
            // A band of moving rows (some within it at 0), or none at all.
            var first = random.Next(height);
            var last = trial == 5 ? -1 : random.Next(first, height);
            var rowScales = Enumerable.Range(0, height)
                .Select(y => y < first || y > last || random.Next(5) == 0 ? 0f : random.NextSingle() * 0.3f).ToArray();
            var gx = ColumnFactors(random, width);
            var cutoff = trial % 3 == 0 ? 0f : 1e-3f;
            var (rows, columns, moveFrom, moveEnd) = TiledTables(rowScales, gx, width, lanes, planes.Stride);

            PlainStep(codebook, width, height, dim, sample, rowScales, gx, gx, cutoff);
            var expected = PlainSearch(codebook, dim, next, out var expectedD2);
            var actual = FusedOnlineStep.UpdateTiledAndFindNext(planes, sample, rows, columns, cutoff, next, moveFrom, moveEnd, out var actualD2);

            var moved = new float[codebook.Length];
            planes.CopyTo(moved);
            Assert.Equal(codebook, moved);
            Assert.Equal((expected, expectedD2), (actual, actualD2));
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    [InlineData(4)]
    public void TheTiledStepGivesTiesToTheLowestNodeAndNeverANaNOrAPaddingLane(int lanes)
    {
        SkipUnlessRuns(lanes);
        const int width = 37, height = 23, dim = 3, nodes = width * height;
        var random = new Random(3);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => 2 + random.NextSingle()).ToArray();
        // The same closest weights in a late chunk, two in one vector, and one in an earlier chunk;
        // a NaN nearer still; the padding lanes past the last node hold 0, the input itself.
        foreach (var node in new[] { nodes - 1, 700, 401, 400, 263 })
        {
            codebook.AsSpan(node * dim, dim).Fill(0.5f);
        }

        codebook.AsSpan(100 * dim, dim).Fill(0f);
        codebook[(100 * dim) + 1] = float.NaN;
        var planes = new RowPlanes(codebook, nodes, 1, dim, lanes);
        var none = new float[planes.Stride];
        var input = new float[dim];

        var best = FusedOnlineStep.UpdateTiledAndFindNext(planes, input, none, new float[lanes * width], 0f, input, 0, 0, out var d2);

        Assert.Equal((263, 0.25f * dim), (best, d2));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    public void WhenNoNodeIsCloserThanInfinityTheTiledStepAnswersTheFirstNode(int lanes)
    {
        SkipUnlessRuns(lanes);
        var planes = new RowPlanes(Enumerable.Repeat(1e30f, 300 * 3).ToArray(), 300, 1, 3, lanes);

        var best = FusedOnlineStep.UpdateTiledAndFindNext(planes, new float[3], new float[planes.Stride], new float[lanes * 15], 0f, new float[3], 0, 0, out var d2);

        Assert.Equal((0, float.PositiveInfinity), (best, d2));
    }

    [Theory]
    [InlineData(16, 32)]
    [InlineData(8, 24)]
    public void TheRowsRoundTripThroughThePaddedLayout(int lanes, int stride)
    {
        var codebook = Enumerable.Range(0, 17 * 3 * 2).Select(i => (float)i).ToArray();
        var planes = new RowPlanes(codebook, 17, 3, 2, lanes);
        var back = new float[codebook.Length];

        planes.CopyTo(back);

        Assert.Equal(stride, planes.Stride);
        Assert.Equal(codebook, back);
        // Node (x = 1, y = 2), feature 1 is codebook[(2·17 + 1)·2 + 1].
        Assert.Equal(codebook[71], planes.Weights[(((2 * 2) + 1) * stride) + 1]);
    }

    [Fact]
    public void TheMachineRunsTheFusedStepAtSomeWidthOnX64()
    {
        // Every x64 machine this project targets has AVX2 with FMA at least; without it the fused
        // tests above would all be skipped and prove nothing.
        Assert.SkipUnless(System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported, "no AVX2 with FMA on this machine");
        Assert.True(FusedOnlineStep.IsSupported(3));
        Assert.Contains(VectorWidths.PreferredLanes, new[] { 8, 16 });
    }

    [Fact]
    public void WithOnly128BitVectorsTheFusedStepRunsAtFourLanesAndWithoutVectorsNotAtAll()
    {
        // Under DOTNET_EnableAVX2=0 (Arm64 alike) the widest width is 128 bits; under
        // DOTNET_EnableHWIntrinsic=0 there is none, and online training takes its scalar loops.
        if (!System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated)
        {
            Assert.Equal(0, VectorWidths.PreferredLanes);
            Assert.False(FusedOnlineStep.IsSupported(3));
        }
        else if (!Bits256.IsSupported && !Bits512.IsSupported)
        {
            Assert.Equal(4, VectorWidths.PreferredLanes);
            Assert.True(FusedOnlineStep.IsSupported(3));
        }
        else
        {
            Assert.Contains(VectorWidths.PreferredLanes, new[] { 8, 16 });
        }
    }

    private static void SkipUnlessRuns(int lanes) =>
        Assert.SkipUnless(VectorWidths.Runs(lanes), $"this machine does not run {lanes * 32}-bit vectors natively");

    private static float[] RandomVector(Random random, int dim) => Enumerable.Range(0, dim).Select(_ => random.NextSingle()).ToArray();

    /// <summary>Factors in [0, 1], the padding included (it must not matter).</summary>
    private static float[] ColumnFactors(Random random, int stride) => Enumerable.Range(0, stride).Select(_ => random.NextSingle()).ToArray();

    /// <summary>The tiled step's tables as the training forms them, written plainly: each position's
    /// row scale (0 past the nodes), one period of lcm(width, lanes) x factors, and the vectors from
    /// the first moving row's to the last's.</summary>
    private static (float[] Rows, float[] Columns, int MoveFrom, int MoveEnd) TiledTables(float[] rowScales, float[] gx, int width, int lanes, int stride)
    {
        var rows = new float[stride];
        for (var k = 0; k < rowScales.Length * width; k++)
        {
            rows[k] = rowScales[k / width];
        }

        var period = lanes;
        while (period % width != 0)
        {
            period += lanes;
        }

        var columns = Enumerable.Range(0, period).Select(j => gx[j % width]).ToArray();
        var first = Array.FindIndex(rowScales, s => s != 0);
        var last = Array.FindLastIndex(rowScales, s => s != 0);
        return first < 0
            ? (rows, columns, 0, 0)
            : (rows, columns, first * width / lanes, (((last + 1) * width) + lanes - 1) / lanes);
    }

    /// <summary>The reference step: every node of a moving row, node by node and feature by feature.</summary>
    private static void PlainStep(float[] codebook, int width, int height, int dim, float[] sample, float[] rowScales, float[] gxEven, float[] gxOdd, float cutoff)
    {
        for (var y = 0; y < height; y++)
        {
            if (rowScales[y] == 0)
            {
                continue;
            }

            for (var x = 0; x < width; x++)
            {
                var h = rowScales[y] * ((y & 1) == 0 ? gxEven : gxOdd)[x];
                if (h < cutoff)
                {
                    continue;
                }

                for (var f = 0; f < dim; f++)
                {
                    ref var w = ref codebook[(((y * width) + x) * dim) + f];
                    w = MathF.FusedMultiplyAdd(h, sample[f] - w, w);
                }
            }
        }
    }

    private static int PlainSearch(float[] codebook, int dim, float[] input, out float bestD2)
    {
        var best = 0;
        bestD2 = float.PositiveInfinity;
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            var sum = 0f;
            for (var f = 0; f < dim; f++)
            {
                var d = codebook[(k * dim) + f] - input[f];
                sum = MathF.FusedMultiplyAdd(d, d, sum);
            }

            if (sum < bestD2)
            {
                (best, bestD2) = (k, sum);
            }
        }

        return best;
    }
}
