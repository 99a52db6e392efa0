using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The feature-major (planar) kernels against the plain node-by-node scalar ones.</summary>
public class PlanarKernelTests
{
    public static TheoryData<int, int> NodeCountsAndDimensions()
    {
        var cases = new TheoryData<int, int>();
        foreach (var nodes in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 100, (2 * BmuSearch.ChunkNodes) + 3 })
        {
            foreach (var dim in Enumerable.Range(1, BmuSearch.PlanarBelowDimension - 1))
            {
                cases.Add(nodes, dim);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(NodeCountsAndDimensions))]
    public void PlanarSearchFindsTheScalarBmuWithTheSameDistanceBits(int nodes, int dim)
    {
        var random = new Random((nodes * 31) + dim);
        // Values on a coarse lattice so that exact ties between nodes are common.
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => random.Next(0, 4) * 0.25f).ToArray();
        var planes = CodebookLayout.ToPlanes(codebook, dim);
        for (var trial = 0; trial < 20; trial++)
        {
            var input = Enumerable.Range(0, dim).Select(_ => random.Next(0, 4) * 0.25f).ToArray();

            var expected = ScalarBest(codebook, dim, input, out var expectedD2);
            var actual = BmuSearch.FindBestPlanar(planes, nodes, input, 0, nodes, out var actualD2);
            var threaded = BmuSearch.FindBestPlanar(planes, nodes, input, 4, out var threadedD2);
            var at512 = BmuSearch.FindBestPlanarAt<Vector512<float>, Bits512>(planes, nodes, input, 0, nodes, out var at512D2);
            var at256 = BmuSearch.FindBestPlanarAt<Vector256<float>, Bits256>(planes, nodes, input, 0, nodes, out var at256D2);
            var at128 = BmuSearch.FindBestPlanarAt<Vector128<float>, Bits128>(planes, nodes, input, 0, nodes, out var at128D2);
            var scalar = BmuSearch.FindBestPlanarScalar(planes, nodes, input, 0, nodes, out var scalarD2);

            Assert.Equal((expected, expectedD2), (actual, actualD2));
            Assert.Equal((expected, expectedD2), (threaded, threadedD2));
            Assert.Equal((expected, expectedD2), (at512, at512D2));
            Assert.Equal((expected, expectedD2), (at256, at256D2));
            Assert.Equal((expected, expectedD2), (at128, at128D2));
            Assert.Equal((expected, expectedD2), (scalar, scalarD2));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(100)]
    [InlineData(256)]
    [InlineData(3079)]
    public void PlanarUpdateGivesTheScalarBitsAndLeavesZeroStepsAlone(int n)
    {
        var random = new Random(n);
        var w = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        var h = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? 0f : (float)random.NextDouble()).ToArray();
        var expected = (float[])w.Clone();
        for (var i = 0; i < n; i++)
        {
            expected[i] = MathF.FusedMultiplyAdd(h[i], 1.25f - expected[i], expected[i]);
        }

        var actual = (float[])w.Clone();
        var at256 = (float[])w.Clone();
        var at128 = (float[])w.Clone();
        var scalar = (float[])w.Clone();
        WeightUpdate.ApplyPlanar(actual, h, 1.25f);
        WeightUpdate.ApplyPlanar<Vector256<float>, Bits256>(at256, h, 1.25f);
        WeightUpdate.ApplyPlanar<Vector128<float>, Bits128>(at128, h, 1.25f);
        WeightUpdate.ScalarPlanar(scalar, h, 1.25f);

        Assert.Equal(expected, actual);
        Assert.Equal(expected, at256);
        Assert.Equal(expected, at128);
        Assert.Equal(expected, scalar);
        for (var i = 0; i < n; i += 5)
        {
            Assert.Equal(w[i], actual[i]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(2, 8)]
    [InlineData(5, 9)]
    [InlineData(7, 37)]
    [InlineData(4, 100)]
    public void TheGaussianRowUpdateGivesTheBitsOfAProductThenTheScalarUpdateAtEveryWidth(int dim, int width)
    {
        var random = new Random((dim * 100) + width);
        const int Nodes = 150;
        const int RowStart = 11;
        var planes = Enumerable.Range(0, dim * Nodes).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        var gx = Enumerable.Range(0, width).Select(x => x % 4 == 0 ? 0f : (float)random.NextDouble()).ToArray();
        var sample = Enumerable.Range(0, dim).Select(_ => (float)random.NextDouble()).ToArray();
        const float RowScale = 0.3f;
        var expected = (float[])planes.Clone();
        for (var x = 0; x < width; x++)
        {
            var h = RowScale * gx[x];
            for (var f = 0; f < dim; f++)
            {
                var at = (f * Nodes) + RowStart + x;
                expected[at] = MathF.FusedMultiplyAdd(h, sample[f] - expected[at], expected[at]);
            }
        }

        var chosen = (float[])planes.Clone();
        var at256 = (float[])planes.Clone();
        var at128 = (float[])planes.Clone();
        var scalar = (float[])planes.Clone();
        WeightUpdate.ApplyPlanarGaussianRow(chosen, Nodes, RowStart, gx, RowScale, sample);
        WeightUpdate.ApplyPlanarGaussianRow<Vector256<float>, Bits256>(at256, Nodes, RowStart, gx, RowScale, sample);
        WeightUpdate.ApplyPlanarGaussianRow<Vector128<float>, Bits128>(at128, Nodes, RowStart, gx, RowScale, sample);
        WeightUpdate.ScalarPlanarGaussianRow(scalar, Nodes, RowStart, gx, RowScale, sample, 0);

        Assert.Equal(expected, chosen);
        Assert.Equal(expected, at256);
        Assert.Equal(expected, at128);
        Assert.Equal(expected, scalar);
    }

    [Fact]
    public void PlanesRoundTripToTheNodeMajorCodebook()
    {
        var codebook = Enumerable.Range(0, 5 * 3).Select(i => (float)i).ToArray();

        var planes = CodebookLayout.ToPlanes(codebook, 3);
        var back = new float[codebook.Length];
        CodebookLayout.FromPlanes(planes, 3, back);

        // Feature 0 of nodes 0..4, then feature 1, then feature 2.
        Assert.Equal([0f, 3f, 6f, 9f, 12f, 1f, 4f, 7f, 10f, 13f, 2f, 5f, 8f, 11f, 14f], planes);
        Assert.Equal(codebook, back);
    }

    /// <summary>The plainest search: one running float sum per node, strict less-than.</summary>
    internal static int ScalarBest(float[] codebook, int dim, float[] input, out float best)
    {
        var index = 0;
        best = float.PositiveInfinity;
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            var sum = 0f;
            for (var f = 0; f < dim; f++)
            {
                var d = codebook[(k * dim) + f] - input[f];
                sum = MathF.FusedMultiplyAdd(d, d, sum);
            }

            if (sum < best)
            {
                best = sum;
                index = k;
            }
        }

        return index;
    }
}
