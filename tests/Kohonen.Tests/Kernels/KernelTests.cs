using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>Each SIMD kernel against its scalar reference, over lengths 0..256 and awkward ones.</summary>
public class KernelTests
{
    public static TheoryData<int> Lengths()
    {
        var lengths = new TheoryData<int>();
        foreach (var n in Enumerable.Range(0, 257).Concat([784, (6 * 512) + 7]))
        {
            lengths.Add(n);
        }

        return lengths;
    }

    private static (float[] A, float[] B) Vectors(int n, int seed)
    {
        var random = new Random(seed);
        return ([.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 200) - 100))],
                [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 200) - 100))]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SimdSquaredDistanceMatchesTheScalarSumWithinRounding(int n)
    {
        var (a, b) = Vectors(n, n);
        double exact = 0;
        for (var i = 0; i < n; i++)
        {
            exact += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        }

        var scalar = SquaredDistance.Scalar(a, b);
        var simd = n >= 8 ? SquaredDistance.Simd(a, b) : scalar;

        // Both float sums are within a few ulps per term of the exact double sum.
        var tolerance = 1e-6 * Math.Max(1.0, exact) * Math.Max(1, n);
        Assert.True(Math.Abs(simd - exact) <= tolerance, $"simd {simd} vs exact {exact}");
        Assert.True(Math.Abs(scalar - exact) <= tolerance, $"scalar {scalar} vs exact {exact}");
        Assert.Equal(simd, SquaredDistance.Compute(a, b));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryPathOfTheSquaredDistanceGivesTheBitsOfTheLaneOrderedSum(int n)
    {
        var (a, b) = Vectors(n, n + 500);
        // The documented order, spelt out: from 8 elements, 32 running sums (element i of each whole
        // 32 into sum i mod 32, the whole 8s after them into sums 0-7), each term a fused multiply-add;
        // then per lane (s0 + s1) + (s2 + s3), the 8 lanes as pairs of pairs of pairs, and the last
        // n mod 8 elements one by one. Below 8 elements, one sum left to right.
        var sums = new float[32];
        var whole32 = n < 8 ? 0 : n / 32 * 32;
        var whole8 = n < 8 ? 0 : n / 8 * 8;
        for (var i = 0; i < whole8; i++)
        {
            var d = a[i] - b[i];
            var at = i < whole32 ? i % 32 : i % 8;
            sums[at] = MathF.FusedMultiplyAdd(d, d, sums[at]);
        }

        var lane = Enumerable.Range(0, 8).Select(j => (sums[j] + sums[8 + j]) + (sums[16 + j] + sums[24 + j])).ToArray();
        var expected = n < 8 ? 0f : ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
        for (var i = whole8; i < n; i++)
        {
            var d = a[i] - b[i];
            expected = MathF.FusedMultiplyAdd(d, d, expected);
        }

        Assert.Equal(expected, SquaredDistance.Compute(a, b));
        Assert.Equal(expected, n >= 8 ? SquaredDistance.ScalarInLanes(a, b) : SquaredDistance.Scalar(a, b));
        if (n >= 8)
        {
            Assert.Equal(expected, SquaredDistance.Simd(a, b));
            Assert.Equal(expected, SquaredDistance.Simd128(a, b));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SimdWeightUpdateGivesTheScalarBitsExactly(int n)
    {
        var (w, v) = Vectors(n, n + 1000);
        var expected = new float[n];
        for (var i = 0; i < n; i++)
        {
            expected[i] = MathF.FusedMultiplyAdd(0.37f, v[i] - w[i], w[i]);
        }

        var scalar = (float[])w.Clone();
        var at256 = (float[])w.Clone();
        var at128 = (float[])w.Clone();
        var chosen = (float[])w.Clone();

        WeightUpdate.Scalar(scalar, v, 0.37f);
        WeightUpdate.Simd<Vector256<float>, Bits256>(at256, v, 0.37f);
        WeightUpdate.Simd<Vector128<float>, Bits128>(at128, v, 0.37f);
        WeightUpdate.Apply(chosen, v, 0.37f);

        Assert.Equal(expected, scalar);
        Assert.Equal(expected, at256);
        Assert.Equal(expected, at128);
        Assert.Equal(expected, chosen);
    }

    [Fact]
    public void WeightUpdateMovesTowardsTheInputByTheStep()
    {
        float[] w = [0f, 10f, -4f];

        WeightUpdate.Apply(w, [1f, 0f, -4f], 0.5f);

        Assert.Equal([0.5f, 5f, -4f], w);
    }

    [Fact]
    public void BmuSearchBreaksTiesTowardsTheLowestNodeIndex()
    {
        // Nodes 1 and 3 are both at distance 1 from the input; node 1 wins.
        float[] codebook = [5f, 5f, 0f, 1f, 9f, 9f, 1f, 0f];

        var best = BmuSearch.FindBest(codebook, 2, [0f, 0f], 0, 4, out var d2);
        var (first, firstD2, second, secondD2) = BmuSearch.FindBestTwo(codebook, 2, [0f, 0f]);

        Assert.Equal(1, best);
        Assert.Equal(1f, d2);
        Assert.Equal((1, 1f, 3, 1f), (first, firstD2, second, secondD2));
    }

    [Fact]
    public void ParallelBmuSearchAgreesWithTheSequentialOneAcrossChunkBorders()
    {
        const int Dim = 40;
        var random = new Random(5);
        var nodes = (BmuSearch.ChunkNodes * 3) + 17;
        var codebook = Enumerable.Range(0, nodes * Dim).Select(_ => (float)random.NextDouble()).ToArray();
        var input = Enumerable.Range(0, Dim).Select(_ => (float)random.NextDouble()).ToArray();
        // Plant the input's exact copy in the last chunk and in an earlier one: the earlier must win.
        input.CopyTo(codebook, (nodes - 3) * Dim);
        input.CopyTo(codebook, (BmuSearch.ChunkNodes + 5) * Dim);

        var sequential = BmuSearch.FindBest(codebook, Dim, input, 1, out _);
        var parallel = BmuSearch.FindBest(codebook, Dim, input, 4, out var d2);

        Assert.Equal(BmuSearch.ChunkNodes + 5, sequential);
        Assert.Equal(sequential, parallel);
        Assert.Equal(0f, d2);
    }
}
