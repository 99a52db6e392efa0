using Kohonen.Kernels;

namespace Kohonen.Tests.Training;

/// <summary>
/// The batch map's codebook, bit for bit, against a plain batch map written here: each row to the
/// node of least squared distance (ties to the lowest index), the sums in row order in double
/// precision, then the Gaussian smoothing as a row pass and a column pass over every node, in
/// ascending order. Whatever the epochs, threads, search, buffers kept between epochs and thread
/// splits of the sums and of the smoothing, the trainer must give exactly these bits.
/// </summary>
public class BatchTrainerBitsTests
{
    [Theory]
    [InlineData(3, 7, 5, false, 300, 1, 1)] // row by row (below 8 features)
    [InlineData(3, 7, 5, true, 300, 7, 2)]
    [InlineData(12, 12, 9, false, 600, 2, 3)] // the blocked search, with hints from the second epoch
    [InlineData(12, 12, 9, true, 600, 7, 2)]
    [InlineData(64, 6, 4, false, 9000, 3, 2)] // enough rows for the sums to be split among threads
    [InlineData(64, 6, 4, false, 9000, 3, 1)]
    [InlineData(33, 40, 40, false, 700, 2, 2)] // enough nodes for the smoothing to run on threads
    [InlineData(33, 40, 40, true, 700, 2, 1)]
    public void TheBatchMapGivesThePlainBatchMapsBits(int dim, int width, int height, bool toroidal, int rowCount, int epochs, int threads)
    {
        var options = new SomOptions
        {
            Width = width, Height = height, Toroidal = toroidal, Algorithm = TrainingAlgorithm.Batch,
            Iterations = epochs, Seed = 5, MaxDegreeOfParallelism = threads,
        };
        var rows = TestData.Clusters(rowCount, dim, k: 5, seed: 11);
        var data = TestData.Matrix(rows);

        var model = new SomTrainer(options).Fit(data);
        var expected = PlainBatchMap(options, data);

        Assert.Equal(Bits(expected), Bits(model.Codebook));
    }

    [Fact]
    public void TheSameTrainingGivesTheSameBitsOnAnyNumberOfThreads()
    {
        var data = TestData.Matrix(TestData.Clusters(9000, 64, k: 6, seed: 3));
        float[] Train(int threads) => new SomTrainer(new SomOptions
        {
            Width = 41, Height = 39, Algorithm = TrainingAlgorithm.Batch, Iterations = 2, Seed = 8, MaxDegreeOfParallelism = threads,
        }).Fit(data).Codebook.ToArray();

        var one = Train(1);
        Assert.Equal(Bits(one), Bits(Train(2)));
        Assert.Equal(Bits(one), Bits(Train(3)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARefilledLayoutIsTheLayoutOfTheNewWeights(bool wide)
    {
        const int dim = 20;
        var codebook = TestData.Clusters(70, dim, k: 3, seed: 1).SelectMany(w => w).ToArray();
        var prepared = new BlockedBmuSearch.Prepared(codebook, dim, wide);
        var moved = TestData.Clusters(70, dim, k: 4, seed: 2).SelectMany(w => w).ToArray();
        moved.CopyTo(codebook, 0);

        prepared.Refill();
        var fresh = new BlockedBmuSearch.Prepared(codebook, dim, wide);

        Assert.Equal(fresh.Ids, prepared.Ids);
        Assert.Equal(Bits(fresh.Planes.Span), Bits(prepared.Planes.Span));
        Assert.Equal(Bits(fresh.Norms.Span), Bits(prepared.Norms.Span));
        Assert.Equal(Bits(fresh.Radii), Bits(prepared.Radii));
        Assert.Equal(Bits(fresh.CenterPlanes), Bits(prepared.CenterPlanes));
        Assert.Equal(Bits(fresh.CenterNorms), Bits(prepared.CenterNorms));
        Assert.Equal(fresh.MaxNorm, prepared.MaxNorm);
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }

    /// <summary>The batch map of the options (a rectangular grid and the Gaussian), from the
    /// trainer's initial codebook (the same initialiser and seed), plainly.</summary>
    private static float[] PlainBatchMap(SomOptions options, DataMatrix data)
    {
        int width = options.Width, height = options.Height, dim = data.Columns, nodes = width * height;
        var codebook = CodebookInitializer.Create(data, options.CreateGrid(), options.Initialization, new SomRandom(options.Seed!.Value));
        var schedule = new TrainingSchedule(options);
        for (var epoch = 0; epoch < options.Iterations; epoch++)
        {
            var sums = new double[nodes, dim];
            var counts = new double[nodes];
            for (var r = 0; r < data.Rows; r++)
            {
                var x = data.Row(r);
                var (best, bestDistance) = (0, float.PositiveInfinity);
                for (var k = 0; k < nodes; k++)
                {
                    var d = SquaredDistance.Compute(codebook.AsSpan(k * dim, dim), x);
                    if (d < bestDistance)
                    {
                        (best, bestDistance) = (k, d);
                    }
                }

                counts[best] += 1;
                for (var f = 0; f < dim; f++)
                {
                    sums[best, f] += x[f];
                }
            }

            // exp(−d²/2σ²) per axis offset, d the shorter way round on a torus.
            var inv2s2 = -1.0 / (2.0 * schedule.Sigma(epoch) * schedule.Sigma(epoch));
            double Factor(int offset, int length)
            {
                double d = options.Toroidal ? Math.Min(offset, length - offset) : offset;
                return Math.Exp(d * d * inv2s2);
            }

            var alongRows = new double[nodes, dim + 1];
            for (var yc = 0; yc < height; yc++)
            {
                for (var xc = 0; xc < width; xc++)
                {
                    var c = (yc * width) + xc;
                    for (var xk = 0; xk < width; xk++)
                    {
                        var h = Factor(Math.Abs(xk - xc), width);
                        var k = (yc * width) + xk;
                        for (var f = 0; f < dim; f++)
                        {
                            alongRows[k, f] += h * sums[c, f];
                        }

                        alongRows[k, dim] += h * counts[c];
                    }
                }
            }

            for (var yk = 0; yk < height; yk++)
            {
                for (var xk = 0; xk < width; xk++)
                {
                    var smoothed = new double[dim + 1];
                    for (var yc = 0; yc < height; yc++)
                    {
                        var h = Factor(Math.Abs(yk - yc), height);
                        for (var f = 0; f <= dim; f++)
                        {
                            smoothed[f] += h * alongRows[(yc * width) + xk, f];
                        }
                    }

                    if (smoothed[dim] > 0)
                    {
                        for (var f = 0; f < dim; f++)
                        {
                            codebook[(((yk * width) + xk) * dim) + f] = (float)(smoothed[f] / smoothed[dim]);
                        }
                    }
                }
            }
        }

        return codebook;
    }
}
