using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The masked distance and search against plain references written here, and the vector
/// paths against their scalar twins, bit for bit.</summary>
public class MaskedDistanceTests
{
    public static TheoryData<int> Lengths()
    {
        var lengths = new TheoryData<int>();
        foreach (var n in Enumerable.Range(0, 71).Concat([127, 256, 784]))
        {
            lengths.Add(n);
        }

        return lengths;
    }

    /// <summary>Weights and an input with about a quarter of the input missing.</summary>
    private static (float[] Weights, float[] Input) Vectors(int n, int seed)
    {
        var random = new Random(seed);
        float[] weights = [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 20) - 10))];
        float[] input = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.25 ? float.NaN : (float)((random.NextDouble() * 20) - 10))];
        return (weights, input);
    }

    private static double Reference(float[] weights, float[] input)
    {
        double sum = 0;
        for (var i = 0; i < input.Length; i++)
        {
            if (!float.IsNaN(input[i]))
            {
                sum += ((double)weights[i] - input[i]) * ((double)weights[i] - input[i]);
            }
        }

        return sum;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MaskedDistanceIsTheSumOverPresentFeaturesAndTheSameBitsOnEveryPath(int n)
    {
        var (weights, input) = Vectors(n, n + 1);
        var negated = new float[n];
        var mask = new float[n];
        var present = MaskedDistance.Prepare(input, negated, mask);

        var scalar = MaskedDistance.Scalar(weights, negated, mask);

        Assert.Equal(input.Count(v => !float.IsNaN(v)), present);
        var exact = Reference(weights, input);
        Assert.True(Math.Abs(scalar - exact) <= 1e-5 * Math.Max(1, exact), $"n={n}: {scalar} vs {exact}");
        if (Vector256.IsHardwareAccelerated)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(scalar), BitConverter.SingleToInt32Bits(MaskedDistance.Simd(weights, negated, mask)));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EightNodesAtOnceGiveEachNodesOwnBits(int n)
    {
        if (!MaskedDistance.EightRun)
        {
            return;
        }

        var random = new Random(n + 3);
        float[] weights = [.. Enumerable.Range(0, 8 * n).Select(_ => (float)((random.NextDouble() * 20) - 10))];
        var (_, input) = Vectors(n, n + 4);
        var negated = new float[n];
        var mask = new float[n];
        MaskedDistance.Prepare(input, negated, mask);

        var eight = new float[8];
        Assert.True(MaskedDistance.SimdEight(weights, negated, mask, float.PositiveInfinity, eight));

        for (var k = 0; k < 8; k++)
        {
            var alone = MaskedDistance.Scalar(weights.AsSpan(k * n, n), negated, mask);
            Assert.Equal(BitConverter.SingleToInt32Bits(alone), BitConverter.SingleToInt32Bits(eight[k]));
        }
    }

    [Fact]
    public void ScaledDistanceIsTheSumTimesTotalOverPresent() =>
        Assert.Equal(12f * 10 / 4, MaskedDistance.Scale(12f, 10, 4));

    [Theory]
    [InlineData(3, 17)]
    [InlineData(5, 64)]
    [InlineData(11, 30)]
    [InlineData(64, 100)]
    public void MaskedSearchesFindTheReferenceBmuNodeMajorAndPlanar(int dim, int nodes)
    {
        var random = new Random(dim * nodes);
        float[] codebook = [.. Enumerable.Range(0, dim * nodes).Select(_ => (float)random.NextDouble())];
        var planes = new float[codebook.Length];
        for (var k = 0; k < nodes; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                planes[(f * nodes) + k] = codebook[(k * dim) + f];
            }
        }

        var scratch = new float[nodes];
        for (var trial = 0; trial < 50; trial++)
        {
            float[] input = [.. Enumerable.Range(0, dim).Select(f => f == trial % dim || random.NextDouble() >= 0.3 ? (float)random.NextDouble() : float.NaN)];
            var present = input.Count(v => !float.IsNaN(v));
            var distances = Enumerable.Range(0, nodes).Select(k => Reference(codebook[(k * dim)..((k + 1) * dim)], input)).ToArray();
            var expected = Array.IndexOf(distances, distances.Min());

            var nodeMajor = MaskedSearch.FindBest(codebook, dim, input, out var d2);
            var planar = MaskedSearch.FindBestPlanar(planes, nodes, input, scratch, out var planarD2);
            var (best, bestD2, second) = MaskedSearch.FindBestTwo(codebook, dim, input);

            Assert.Equal(expected, nodeMajor);
            Assert.Equal(expected, planar);
            Assert.Equal(expected, best);
            var secondExpected = Enumerable.Range(0, nodes).Where(k => k != expected).OrderBy(k => distances[k]).ThenBy(k => k).First();
            Assert.Equal(secondExpected, second);
            var scaled = distances[expected] * dim / present;
            Assert.Equal(scaled, d2, 1e-4 * Math.Max(1, scaled));
            Assert.Equal(scaled, planarD2, 1e-4 * Math.Max(1, scaled));
            Assert.Equal(d2, bestD2);
        }
    }

    [Theory]
    [InlineData(5, 50)]
    [InlineData(64, 1600)]
    [InlineData(67, 203)]
    public void AnyHintGivesTheSameBmuAndDistance(int dim, int nodes)
    {
        var random = new Random(dim + nodes);
        float[] codebook = [.. Enumerable.Range(0, dim * nodes).Select(_ => (float)random.Next(4))]; // many ties
        var negated = new float[dim];
        var mask = new float[dim];
        for (var trial = 0; trial < 30; trial++)
        {
            float[] input = [.. Enumerable.Range(0, dim).Select(f => f == 0 || random.NextDouble() > 0.1 ? (float)random.Next(4) : float.NaN)];
            var present = MaskedDistance.Prepare(input, negated, mask);
            var distances = Enumerable.Range(0, nodes).Select(k => Reference(codebook[(k * dim)..((k + 1) * dim)], input)).ToArray();
            var expected = Array.IndexOf(distances, distances.Min());

            var plain = MaskedSearch.FindBest(codebook, dim, negated, mask, present, out var d2);
            var hinted = MaskedSearch.FindBest(codebook, dim, negated, mask, present, out var hintedD2, hint: random.Next(nodes));

            Assert.Equal(expected, plain);
            Assert.Equal(plain, hinted);
            Assert.Equal(d2, hintedD2);
        }
    }

    [Fact]
    public void AnInputWithEveryValueMissingHasNoBmu()
    {
        float[] codebook = [0, 0, 1, 1];
        float[] input = [float.NaN, float.NaN];

        Assert.Equal(-1, MaskedSearch.FindBest(codebook, 2, input, out _));
        Assert.Equal(-1, MaskedSearch.FindBestPlanar(codebook, 2, input, new float[2], out _));
        Assert.Equal(-1, MaskedSearch.FindBestTwo(codebook, 2, input).Best);
    }

    [Fact]
    public void PlanarSumsInVectorsAreTheScalarTwinsBits()
    {
        var random = new Random(5);
        for (var n = 0; n < 40; n++)
        {
            float[] plane = [.. Enumerable.Range(0, n).Select(_ => (float)random.NextDouble())];
            float[] start = [.. Enumerable.Range(0, n).Select(_ => (float)random.NextDouble())];
            var vector = (float[])start.Clone();
            var scalar = (float[])start.Clone();

            MaskedSearch.AddPlane(vector, plane, 0.3f);
            MaskedSearch.AddPlaneScalar(scalar, plane, 0.3f);

            Assert.Equal(scalar, vector);
        }
    }
}
