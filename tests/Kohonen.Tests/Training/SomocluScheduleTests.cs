namespace Kohonen.Tests.Training;

/// <summary>
/// The table in docs/algorithm.md says how to reproduce Somoclu's batch map: <c>-r R0 -R RN</c> with its
/// Gaussian (standard deviation <c>std_coeff</c>·R, 0.5·R by default, no compact support) is
/// <c>--sigma R0/2 --sigma-end RN/2</c>, linear cooling with <c>--decay linear</c> and exponential cooling
/// with the exponential decay. This checks it against a plain batch map written here from Somoclu's
/// published update rule and cooling schedules, started from the same codebook.
/// </summary>
public class SomocluScheduleTests
{
    private const double StdCoeff = 0.5;

    /// <summary>Somoclu's radius at an epoch: linear, start − epoch·(start − end)/(T − 1); exponential,
    /// start·exp(−epoch·ln(start/end)/T).</summary>
    private static double Radius(bool linear, double r0, double rn, int epochs, int epoch) =>
        linear ? r0 - (epoch * (r0 - rn) / (epochs - 1)) : r0 * Math.Exp(-epoch * (Math.Log(r0 / rn) / epochs));

    /// <summary>
    /// Somoclu's dense batch epoch: every row's BMU (first smallest Euclidean distance, nodes row by
    /// row); then every node becomes Σₙ h(n)·xₙ / Σₙ h(n) with h = exp(−d²/(2(c·R)²)), d the planar (or
    /// toroidal, the shorter way) distance between the node and the row's BMU; a node with Σ h = 0 keeps
    /// its weights.
    /// </summary>
    private static float[] SomocluBatch(float[][] data, float[] start, int width, int height, bool toroid, bool linear, double r0, double rn, int epochs)
    {
        var dim = data[0].Length;
        var nodes = width * height;
        var codebook = (float[])start.Clone();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var std = StdCoeff * Radius(linear, r0, rn, epochs, epoch);
            var bmus = new int[data.Length];
            for (var n = 0; n < data.Length; n++)
            {
                var best = double.MaxValue;
                for (var k = 0; k < nodes; k++)
                {
                    double d = 0;
                    for (var f = 0; f < dim; f++)
                    {
                        var diff = (double)data[n][f] - codebook[(k * dim) + f];
                        d += diff * diff;
                    }

                    if (k == 0 || d < best)
                    {
                        best = d;
                        bmus[n] = k;
                    }
                }
            }

            var next = (float[])codebook.Clone();
            for (var k = 0; k < nodes; k++)
            {
                var numerator = new double[dim];
                double denominator = 0;
                for (var n = 0; n < data.Length; n++)
                {
                    double dx = Math.Abs((k % width) - (bmus[n] % width));
                    double dy = Math.Abs((k / width) - (bmus[n] / width));
                    if (toroid)
                    {
                        dx = Math.Min(dx, width - dx);
                        dy = Math.Min(dy, height - dy);
                    }

                    var h = Math.Exp(-((dx * dx) + (dy * dy)) / (2 * std * std));
                    denominator += h;
                    for (var f = 0; f < dim; f++)
                    {
                        numerator[f] += h * data[n][f];
                    }
                }

                if (denominator != 0)
                {
                    for (var f = 0; f < dim; f++)
                    {
                        next[(k * dim) + f] = (float)(numerator[f] / denominator);
                    }
                }
            }

            codebook = next;
        }

        return codebook;
    }

    [Theory]
    [InlineData(true, false, 4.0, 1.0)]
    [InlineData(true, true, 5.0, 1.0)]
    [InlineData(false, false, 4.0, 1.0)]
    [InlineData(false, true, 6.0, 0.5)]
    public void TheTableReproducesSomocluFromTheSameStart(bool linear, bool toroid, double r0, double rn)
    {
        const int width = 9, height = 7, epochs = 12;
        var data = TestData.Clusters(240, 4, 5, 31);
        var start = new float[width * height * 4];
        var random = new Random(5);
        for (var i = 0; i < start.Length; i++)
        {
            start[i] = (float)random.NextDouble();
        }

        var options = new SomOptions
        {
            Width = width,
            Height = height,
            Toroidal = toroid,
            Algorithm = TrainingAlgorithm.Batch,
            Iterations = epochs,
            Neighborhood = Neighborhood.Gaussian,
            Sigma = r0 * StdCoeff,
            SigmaEnd = rn * StdCoeff,
            SigmaDecay = linear ? Decay.Linear : Decay.ExponentialClassic,
            Seed = 1,
        };

        var ours = new SomTrainer(options).Fit(DataSource.FromMatrix(TestData.Matrix(data)), start).Codebook.ToArray();
        var somoclu = SomocluBatch(data, start, width, height, toroid, linear, r0, rn, epochs);

        var worst = ours.Zip(somoclu, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-4, $"largest difference {worst}");
    }

    [Fact]
    public void TheSchedulesRadiiAreSomoclusTimesTheStandardDeviationFactor()
    {
        var linear = new TrainingSchedule(new SomOptions { Iterations = 10, Sigma = 2.5, SigmaEnd = 0.5, SigmaDecay = Decay.Linear });
        var exponential = new TrainingSchedule(new SomOptions { Iterations = 10, Sigma = 2.5, SigmaEnd = 0.5 });

        Assert.All(Enumerable.Range(0, 10), t =>
        {
            Assert.Equal(StdCoeff * Radius(true, 5, 1, 10, t), linear.Sigma(t), 12);
            Assert.Equal(StdCoeff * Radius(false, 5, 1, 10, t), exponential.Sigma(t), 12);
        });
    }
}
