
namespace Kohonen.Tests.Training;

/// <summary>The batch map's vector loops against the plain scalar loops, bit for bit, and its
/// separable smoothing against the node-by-node one.</summary>
public class BatchKernelTests
{
    public static TheoryData<int> Lengths() => [.. Enumerable.Range(0, 40).Append(300).Append(301)];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddScaledIsTheScalarMultiplyThenAdd(int length)
    {
        var random = new Random(length);
        var source = Enumerable.Range(0, length).Select(_ => (random.NextDouble() - 0.5) * 1e3).ToArray();
        var start = Enumerable.Range(0, length).Select(_ => (random.NextDouble() - 0.5) * 1e-3).ToArray();
        var h = random.NextDouble();
        var expected = start.ToArray();
        for (var f = 0; f < length; f++)
        {
            expected[f] += h * source[f];
        }

        var actual = start.ToArray();
        BatchTrainer.AddScaled(actual, h, source);

        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddWidenedIsTheScalarSum(int length)
    {
        var random = new Random(length + 1000);
        var source = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * 1e6)).ToArray();
        var start = Enumerable.Range(0, length).Select(_ => random.NextDouble() * 1e-7).ToArray();
        var expected = start.ToArray();
        for (var f = 0; f < length; f++)
        {
            expected[f] += source[f];
        }

        var actual = start.ToArray();
        BatchTrainer.AddWidened(actual, source);

        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData(1, 1, 3, false, 1.0)]
    [InlineData(7, 1, 2, false, 2.0)]
    [InlineData(1, 9, 4, true, 0.7)]
    [InlineData(12, 9, 3, false, 3.5)]
    [InlineData(12, 9, 5, true, 3.5)]
    [InlineData(25, 15, 64, false, 0.6)]
    [InlineData(16, 16, 1, true, 8.0)]
    public void TheSeparableSmoothingGivesTheNodeByNodeWeightsToFloatRounding(int width, int height, int dim, bool toroidal, double sigma)
    {
        var grid = new Grid(width, height, Topology.Rectangular, toroidal);
        Assert.True(BatchTrainer.IsSeparable(grid, Neighborhood.Gaussian));
        var random = new Random((width * 100) + height + dim);
        var nodes = width * height;
        // About a third of the nodes won no sample (count 0, sums 0); the others hold sums of a few
        // samples in [-1, 1) per feature.
        var counts = Enumerable.Range(0, nodes).Select(_ => random.Next(3) == 0 ? 0.0 : random.Next(1, 6)).ToArray();
        var sums = new double[nodes * dim];
        for (var c = 0; c < nodes; c++)
        {
            for (var f = 0; f < dim; f++)
            {
                sums[(c * dim) + f] = counts[c] * ((random.NextDouble() * 2) - 1);
            }
        }

        var initial = Enumerable.Range(0, nodes * dim).Select(_ => 5f + random.NextSingle()).ToArray();
        var expected = initial.ToArray();
        var occupied = Enumerable.Range(0, nodes).Where(c => counts[c] > 0).ToArray();
        BatchTrainer.Smooth(expected, grid, Neighborhood.Gaussian, sigma, dim, sums, counts, occupied, 0, height);
        var actual = initial.ToArray();

        BatchTrainer.SmoothSeparable(actual, grid, sigma, dim, sums, counts, new ParallelOptions { MaxDegreeOfParallelism = 2 });

        // Both are neighbourhood-weighted means of values in [-1, 1); they differ only in how θ is
        // rounded (float32 θ against double gx·gy) and in the order of the sums.
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6f, $"weight {i}: node by node {expected[i]}, separable {actual[i]}");
        }
    }

    [Fact]
    public void TheSeparableSmoothingLeavesANodeOutOfEveryonesReachAsItWas()
    {
        // σ so small that exp(−1/2σ²) underflows: each occupied node reaches only itself.
        var grid = new Grid(4, 3, Topology.Rectangular, toroidal: false);
        var counts = new double[12];
        var sums = new double[12 * 2];
        counts[5] = 2;
        sums[10] = 1.0;
        sums[11] = -3.0;
        var weights = Enumerable.Repeat(7f, 24).ToArray();

        BatchTrainer.SmoothSeparable(weights, grid, 0.01, 2, sums, counts, new ParallelOptions { MaxDegreeOfParallelism = 1 });

        Assert.Equal((0.5f, -1.5f), (weights[10], weights[11]));
        Assert.All(weights.Where((_, i) => i is not (10 or 11)), w => Assert.Equal(7f, w));
    }
}
