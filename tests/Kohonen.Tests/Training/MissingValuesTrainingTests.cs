using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Kohonen.Tests.Reference;

namespace Kohonen.Tests.Training;

/// <summary>
/// Training on rows with missing values (NaN) against a plain masked reference written here (BMU over
/// the present features, updates of the present weights only, batch sums and counts per feature),
/// online and batch, planar and node by node, blocked and row by row, in memory and streamed; and the
/// codebooks of complete data, bit for bit, as the code before missing values gave them.
/// </summary>
public sealed class MissingValuesTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-missing-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Clustered rows with a share of cells blanked at random; one row wholly missing.</summary>
    private static float[][] WithHoles(int n, int dim, double share, int seed, bool oneEmptyRow = true)
    {
        var rows = TestData.Clusters(n, dim, k: 4, seed);
        var random = new Random(seed + 1);
        foreach (var row in rows)
        {
            for (var f = 0; f < dim; f++)
            {
                if (random.NextDouble() < share)
                {
                    row[f] = float.NaN;
                }
            }
        }

        if (oneEmptyRow)
        {
            Array.Fill(rows[n / 2], float.NaN);
        }

        return rows;
    }

    private static int MaskedBmu(float[][] weights, float[] v)
    {
        var best = -1;
        var bestD = double.PositiveInfinity;
        for (var k = 0; k < weights.Length; k++)
        {
            var d = 0.0;
            for (var i = 0; i < v.Length; i++)
            {
                if (!float.IsNaN(v[i]))
                {
                    d += ((double)weights[k][i] - v[i]) * ((double)weights[k][i] - v[i]);
                }
            }

            if (d < bestD)
            {
                bestD = d;
                best = k;
            }
        }

        return v.All(float.IsNaN) ? -1 : best;
    }

    private static float[][] ReferenceOnline(ReferenceSom.Map map, float[][] initial, float[][] data, SomOptions o)
    {
        var w = initial.Select(r => (float[])r.Clone()).ToArray();
        var sigma0 = o.Sigma ?? (Math.Max(map.Width, map.Height) / 2.0);
        for (var t = 0; t < o.Iterations; t++)
        {
            var sigma = ReferenceSom.Decayed(o.SigmaDecay, sigma0, t, o.Iterations, sigma0);
            var alpha = ReferenceSom.Decayed(o.LearningRateDecay, o.LearningRate, t, o.Iterations, sigma0);
            foreach (var v in data)
            {
                var bmu = MaskedBmu(w, v);
                if (bmu < 0)
                {
                    continue;
                }

                for (var k = 0; k < w.Length; k++)
                {
                    var h = (float)(alpha * ReferenceSom.Theta(o.Neighborhood, ReferenceSom.GridDistanceSquared(map, k, bmu), sigma));
                    for (var i = 0; i < v.Length; i++)
                    {
                        if (!float.IsNaN(v[i]))
                        {
                            w[k][i] = MathF.FusedMultiplyAdd(h, v[i] - w[k][i], w[k][i]);
                        }
                    }
                }
            }
        }

        return w;
    }

    private static float[][] ReferenceBatch(ReferenceSom.Map map, float[][] initial, float[][] data, SomOptions o)
    {
        var w = initial.Select(r => (float[])r.Clone()).ToArray();
        var sigma0 = o.Sigma ?? (Math.Max(map.Width, map.Height) / 2.0);
        var dim = data[0].Length;
        for (var t = 0; t < o.Iterations; t++)
        {
            var sigma = ReferenceSom.Decayed(o.SigmaDecay, sigma0, t, o.Iterations, sigma0);
            var bmus = data.Select(v => MaskedBmu(w, v)).ToArray();
            var next = new float[w.Length][];
            for (var k = 0; k < w.Length; k++)
            {
                next[k] = (float[])w[k].Clone();
                for (var i = 0; i < dim; i++)
                {
                    double num = 0, den = 0;
                    for (var s = 0; s < data.Length; s++)
                    {
                        if (bmus[s] < 0 || float.IsNaN(data[s][i]))
                        {
                            continue;
                        }

                        var h = ReferenceSom.Theta(o.Neighborhood, ReferenceSom.GridDistanceSquared(map, k, bmus[s]), sigma);
                        num += h * data[s][i];
                        den += h;
                    }

                    if (den > 0)
                    {
                        next[k][i] = (float)(num / den);
                    }
                }
            }

            w = next;
        }

        return w;
    }

    private static ReferenceSom.Map MapOf(SomOptions o) => new(o.Width, o.Height, o.Topology == Topology.Hexagonal, o.Toroidal);

    private static float[][] InitialCodebook(SomOptions options, float[][] rows)
    {
        var flat = CodebookInitializer.Create(TestData.Matrix(rows), options.CreateGrid(), options.Initialization, new SomRandom(options.Seed!.Value));
        return TestData.Split(flat, rows[0].Length);
    }

    [Theory]
    [InlineData(3, Topology.Rectangular, Neighborhood.Gaussian)] // planar codebook, Gaussian rows
    [InlineData(3, Topology.Hexagonal, Neighborhood.Bubble)]
    [InlineData(11, Topology.Rectangular, Neighborhood.Gaussian)] // node by node
    [InlineData(11, Topology.Hexagonal, Neighborhood.Triangle)]
    public void OnlineTrainingWithHolesMatchesTheMaskedReference(int dim, Topology topology, Neighborhood neighborhood)
    {
        var options = new SomOptions
        {
            Width = 6, Height = 4, Topology = topology, Neighborhood = neighborhood, Iterations = 20, Seed = 4,
            MaxDegreeOfParallelism = 1, ExactNeighborhood = true,
        };
        var rows = WithHoles(60, dim, 0.15, seed: dim);

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var expected = ReferenceOnline(MapOf(options), InitialCodebook(options, rows), rows, options);

        var difference = TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim));
        Assert.True(difference <= 1e-4f, $"max difference {difference}");
    }

    [Theory]
    [InlineData(3, Topology.Rectangular, Neighborhood.Gaussian)] // separable smoothing
    [InlineData(3, Topology.Hexagonal, Neighborhood.Bubble)] // node by node
    [InlineData(11, Topology.Rectangular, Neighborhood.Gaussian)] // blocked search for the complete rows
    [InlineData(11, Topology.Hexagonal, Neighborhood.Gaussian)]
    public void BatchTrainingWithHolesMatchesTheMaskedReference(int dim, Topology topology, Neighborhood neighborhood)
    {
        var options = new SomOptions
        {
            Width = 6, Height = 5, Topology = topology, Neighborhood = neighborhood, Algorithm = TrainingAlgorithm.Batch,
            Iterations = 15, Seed = 2, MaxDegreeOfParallelism = 2,
        };
        var rows = WithHoles(120, dim, 0.1, seed: 20 + dim);

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var expected = ReferenceBatch(MapOf(options), InitialCodebook(options, rows), rows, options);

        var difference = TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim));
        Assert.True(difference <= 1e-4f, $"max difference {difference}");
    }

    [Fact]
    public void BatchWithHolesGivesTheSameBitsBlockedAndRowByRow()
    {
        var options = new SomOptions { Width = 7, Height = 6, Algorithm = TrainingAlgorithm.Batch, Iterations = 6, Seed = 3, MaxDegreeOfParallelism = 2 };
        var data = TestData.Matrix(WithHoles(300, 12, 0.05, seed: 8));

        Assert.Equal(TrainBatch(options, data, planned: false), TrainBatch(options, data, planned: true));
    }

    /// <summary>Enough features and rows for the masked blocked search (with last epoch's BMUs as
    /// hints) on a map of several panels: the codebook is the row-by-row masked scan's, bit for bit,
    /// on one thread and on four.</summary>
    [Fact]
    public void BatchWithHolesGivesTheSameBitsOnAnyThreadCountAndAsTheMaskedScan()
    {
        var data = TestData.Matrix(WithHoles(900, 24, 0.15, seed: 31));
        var one = new SomOptions { Width = 12, Height = 10, Algorithm = TrainingAlgorithm.Batch, Iterations = 8, Seed = 5, MaxDegreeOfParallelism = 1 };
        var four = new SomOptions { Width = 12, Height = 10, Algorithm = TrainingAlgorithm.Batch, Iterations = 8, Seed = 5, MaxDegreeOfParallelism = 4 };

        var scan = TrainBatch(one, data, planned: false);

        Assert.Equal(scan, TrainBatch(one, data, planned: true));
        Assert.Equal(scan, TrainBatch(four, data, planned: true));
    }

    /// <summary>The batch sums of rows with holes, eight features at a time, against one value at a
    /// time written here: present values into the sums, 1 into the missing counts.</summary>
    [Fact]
    public void BatchSumsInVectorsAreThoseOfOneValueAtATime()
    {
        var random = new Random(17);
        for (var dim = 0; dim <= 40; dim++)
        {
            var sums = Enumerable.Range(0, dim).Select(_ => random.NextDouble() - 0.5).ToArray();
            var missing = Enumerable.Range(0, dim).Select(_ => (double)random.Next(5)).ToArray();
            float[] row = [.. Enumerable.Range(0, dim).Select(_ => random.NextDouble() < 0.3 ? float.NaN : (float)(random.NextDouble() - 0.5))];
            var expectedSums = (double[])sums.Clone();
            var expectedMissing = (double[])missing.Clone();
            for (var f = 0; f < dim; f++)
            {
                if (float.IsNaN(row[f]))
                {
                    expectedMissing[f] += 1;
                }
                else
                {
                    expectedSums[f] += row[f];
                }
            }

            MaskedBatch.AddPresent(sums, missing, row);

            Assert.Equal(expectedSums, sums);
            Assert.Equal(expectedMissing, missing);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public void StreamedBatchWithHolesIsTheInMemoryMapBitForBit(int rowsPerChunk)
    {
        var options = new SomOptions { Width = 6, Height = 5, Algorithm = TrainingAlgorithm.Batch, Iterations = 8, Seed = 9, Scaling = Scaling.ZScore };
        var data = TestData.Matrix(WithHoles(200, 10, 0.1, seed: 4));
        var path = Path.Combine(_folder, $"holes-{rowsPerChunk}.npy");
        NpyFile.Write(path, data);

        var inMemory = new SomTrainer(options).Fit(data);
        using var source = DataSource.FromNpy(path, rowsPerChunk);
        var streamed = new SomTrainer(options).Fit(source);

        Assert.True(float.IsNaN(NpyFile.Read(path)[0, 0]) || NpyFile.Read(path).CountMissing() > 0);
        Assert.Equal(inMemory.Codebook.ToArray(), streamed.Codebook.ToArray());
    }

    [Theory]
    [InlineData(3, TrainingAlgorithm.Online)]
    [InlineData(11, TrainingAlgorithm.Online)]
    [InlineData(3, TrainingAlgorithm.Batch)]
    public void AFeatureMissingInEveryRowKeepsItsInitialWeights(int dim, TrainingAlgorithm algorithm)
    {
        var rows = TestData.Clusters(40, dim, k: 2, seed: 1);
        foreach (var row in rows)
        {
            row[1] = float.NaN;
        }

        var options = new SomOptions { Width = 4, Height = 3, Iterations = 5, Seed = 6, Algorithm = algorithm, Initialization = Initialization.Sample };
        var initial = InitialCodebook(options, rows);

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));

        for (var k = 0; k < initial.Length; k++)
        {
            Assert.Equal(initial[k][1], model.Codebook[(k * dim) + 1]);
            Assert.NotEqual(initial[k][0], model.Codebook[k * dim]);
        }
    }

    [Fact]
    public void RowsWithEveryValueMissingAreCountedAndAMatrixOfOnlySuchRowsIsRefused()
    {
        var data = TestData.Matrix([[1f, float.NaN], [float.NaN, float.NaN], [float.NaN, 2f], [float.NaN, float.NaN]]);

        Assert.Equal(2, data.CountEmptyRows());
        Assert.Equal(6, data.CountMissing());
        var empty = TestData.Matrix([[float.NaN, float.NaN], [float.NaN, float.NaN]]);
        var error = Assert.Throws<ArgumentException>(() => new SomTrainer(new SomOptions { Width = 3, Height = 3, Iterations = 2 }).Fit(empty));
        Assert.Contains("every value missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMeasuresOfATrainingLeaveRowsWithEveryValueMissingOut()
    {
        var rows = WithHoles(80, 4, 0.1, seed: 12);
        var data = TestData.Matrix(rows);
        var model = new SomTrainer(new SomOptions { Width = 4, Height = 3, Iterations = 4, Seed = 2, Algorithm = TrainingAlgorithm.Batch }).Fit(data);
        var withoutEmpty = TestData.Matrix([.. rows.Where(r => !r.All(float.IsNaN))]);

        var (qe, te) = QualityMetrics.OfTraining(model, data);

        Assert.Equal(1, data.CountEmptyRows());
        Assert.Equal(model.QuantizationError(withoutEmpty), qe, 1e-9);
        Assert.Equal(model.TopographicError(withoutEmpty), te, 1e-9);
    }

    [Fact]
    public void InfinityIsStillRefusedWithItsRowAndColumn()
    {
        var data = TestData.Matrix([[1f, float.NaN], [2f, float.PositiveInfinity]]);

        var error = Assert.Throws<ArgumentException>(() => new SomTrainer(new SomOptions { Width = 3, Height = 3, Iterations = 2 }).Fit(data));
        Assert.Contains("Row 1, column 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Initialization.Random)]
    [InlineData(Initialization.Sample)]
    [InlineData(Initialization.Pca)]
    public void EveryInitialisationGivesFiniteWeightsFromDataWithHoles(Initialization initialization)
    {
        var options = new SomOptions { Width = 5, Height = 4, Iterations = 3, Seed = 1, Initialization = initialization, Algorithm = TrainingAlgorithm.Batch };
        var model = new SomTrainer(options).Fit(TestData.Matrix(WithHoles(50, 4, 0.3, seed: 2)));

        Assert.All(model.Codebook.ToArray(), w => Assert.True(float.IsFinite(w)));
    }

    /// <summary>
    /// Codebooks trained on complete data are those the code gave before missing values were handled:
    /// the SHA-256 of each codebook's bytes was computed with that code, on these data and options.
    /// </summary>
    [Theory]
    [InlineData("online-gaussian-3", "671bcff3a7e5a4839417143f5a5490284e57f78890b6e69018531677ec25054f")]
    [InlineData("online-bubble-3", "cdfb16f7ee6962f0e227e528ab970e7067e548d10bd1a786bd7825b144b2e92d")]
    [InlineData("online-gaussian-11", "bbc64f0befda27ffcbb58e29c8d25022841dcaa8ccaebb4360b4695a89250ec9")]
    [InlineData("online-triangle-hex-11", "9e57b1b575e0d7d024888dd251ddfa0f1d0e53f68862a44084cd92621f65152a")]
    [InlineData("batch-gaussian-3", "9e9dd2c3d1fc0733b7e46313fa74a2e4f03dd23cda86d1fcadc71ec267574593")]
    [InlineData("batch-bubble-hex-11", "251bb43590a19ec98039d67a802839b834d79a2a91a73c5ad3581def2fd0b345")]
    [InlineData("batch-gaussian-20-zscore", "e16644060c4afff6ac99a187ed6fd08aa7dc711552dd43ef0d6b341e8f813189")]
    [InlineData("streamed-batch-20", "21db914ef8bd164fb0d79d59818f36a8b31ba282c5fd97b3954b92c68cf78497")]
    public void CompleteDataGivesTheCodebookOfBeforeBitForBit(string name, string sha256)
    {
        SomModel model;
        if (name == "streamed-batch-20")
        {
            var path = Path.Combine(_folder, "complete.npy");
            NpyFile.Write(path, Complete(500, 20, 77));
            using var source = DataSource.FromNpy(path, 64);
            model = new SomTrainer(new SomOptions { Width = 10, Height = 9, Iterations = 10, Seed = 8, Algorithm = TrainingAlgorithm.Batch, Scaling = Scaling.MinMax }).Fit(source);
        }
        else
        {
            var (options, rows, dim) = name switch
            {
                "online-gaussian-3" => (new SomOptions { Width = 8, Height = 6, Iterations = 5, Seed = 1, MaxDegreeOfParallelism = 1 }, 300, 3),
                "online-bubble-3" => (new SomOptions { Width = 8, Height = 6, Iterations = 5, Seed = 2, Neighborhood = Neighborhood.Bubble, Shuffle = true }, 300, 3),
                "online-gaussian-11" => (new SomOptions { Width = 7, Height = 5, Iterations = 5, Seed = 3, Scaling = Scaling.MinMax }, 300, 11),
                "online-triangle-hex-11" => (new SomOptions { Width = 7, Height = 5, Iterations = 5, Seed = 4, Topology = Topology.Hexagonal, Neighborhood = Neighborhood.Triangle }, 300, 11),
                "batch-gaussian-3" => (new SomOptions { Width = 8, Height = 6, Iterations = 10, Seed = 5, Algorithm = TrainingAlgorithm.Batch }, 400, 3),
                "batch-bubble-hex-11" => (new SomOptions { Width = 7, Height = 5, Iterations = 10, Seed = 6, Algorithm = TrainingAlgorithm.Batch, Topology = Topology.Hexagonal, Neighborhood = Neighborhood.Bubble }, 400, 11),
                _ => (new SomOptions { Width = 10, Height = 9, Iterations = 10, Seed = 7, Algorithm = TrainingAlgorithm.Batch, Scaling = Scaling.ZScore, Initialization = Initialization.Pca }, 500, 20),
            };
            model = new SomTrainer(options).Fit(Complete(rows, dim, rows + dim));
        }

        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(model.Codebook))));
    }

    /// <summary>Rows around 5 centres (the generator the reference hashes were computed with).</summary>
    private static DataMatrix Complete(int rows, int dim, int seed)
    {
        var random = new Random(seed);
        var centers = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, dim).Select(_ => random.NextDouble() * 10).ToArray()).ToArray();
        var values = new float[rows * dim];
        for (var r = 0; r < rows; r++)
        {
            var c = centers[random.Next(centers.Length)];
            for (var f = 0; f < dim; f++)
            {
                values[(r * dim) + f] = (float)(c[f] + random.NextDouble());
            }
        }

        return new DataMatrix(values, rows, dim);
    }

    private static float[] TrainBatch(SomOptions options, DataMatrix data, bool planned)
    {
        var grid = options.CreateGrid();
        var rows = new TrainingData.InMemory(data);
        var codebook = CodebookInitializer.Create(rows, grid, options.Initialization, new SomRandom(options.Seed!.Value));
        var run = new TrainingRun(rows, options, grid, options.MaxDegreeOfParallelism!.Value, null, CancellationToken.None);
        BatchTrainer.Train(codebook, grid, run, planned);
        return codebook;
    }
}
