using Kohonen.Tests.Reference;

namespace Kohonen.Tests.Training;

/// <summary>Training with the Manhattan and cosine distances against a plain reference whose BMU is
/// found by those distances written out here (the updates are the Euclidean map's), on every
/// topology, flat and toroidal; and the same bits with any number of threads.</summary>
public class DistanceTrainingTests
{
    /// <summary>The first node at the least Σ|w − x| (summed left to right in float).</summary>
    private static int ManhattanBmu(float[][] weights, float[] v)
    {
        var best = 0;
        var least = float.PositiveInfinity;
        for (var k = 0; k < weights.Length; k++)
        {
            var d = 0f;
            for (var i = 0; i < v.Length; i++)
            {
                d += Math.Abs(weights[k][i] - v[i]);
            }

            if (d < least)
            {
                (least, best) = (d, k);
            }
        }

        return best;
    }

    /// <summary>The first node of greatest cos θ, in double precision.</summary>
    private static int CosineBmu(float[][] weights, float[] v)
    {
        var best = 0;
        var most = double.NegativeInfinity;
        for (var k = 0; k < weights.Length; k++)
        {
            double dot = 0, ww = 0, vv = 0;
            for (var i = 0; i < v.Length; i++)
            {
                dot += (double)weights[k][i] * v[i];
                ww += (double)weights[k][i] * weights[k][i];
                vv += (double)v[i] * v[i];
            }

            var cos = dot / Math.Sqrt(ww * vv);
            if (cos > most)
            {
                (most, best) = (cos, k);
            }
        }

        return best;
    }

    private static Func<float[][], float[], int> BmuOf(DistanceMetric distance) =>
        distance == DistanceMetric.Manhattan ? ManhattanBmu : CosineBmu;

    private static float[][] ReferenceOnline(ReferenceSom.Map map, float[][] initial, float[][] data, SomOptions o, Func<float[][], float[], int> bmuOf)
    {
        var w = initial.Select(r => (float[])r.Clone()).ToArray();
        var sigma0 = o.EffectiveSigma;
        for (var t = 0; t < o.Iterations; t++)
        {
            var sigma = ReferenceSom.Decayed(o.SigmaDecay, sigma0, t, o.Iterations, sigma0);
            var alpha = ReferenceSom.Decayed(o.LearningRateDecay, o.LearningRate, t, o.Iterations, sigma0);
            foreach (var v in data)
            {
                var bmu = bmuOf(w, v);
                for (var k = 0; k < w.Length; k++)
                {
                    var h = (float)(alpha * ReferenceSom.Theta(o.Neighborhood, ReferenceSom.GridDistanceSquared(map, k, bmu), sigma));
                    for (var i = 0; i < v.Length; i++)
                    {
                        w[k][i] = MathF.FusedMultiplyAdd(h, v[i] - w[k][i], w[k][i]);
                    }
                }
            }
        }

        return w;
    }

    private static float[][] ReferenceBatch(ReferenceSom.Map map, float[][] initial, float[][] data, SomOptions o, Func<float[][], float[], int> bmuOf)
    {
        var w = initial.Select(r => (float[])r.Clone()).ToArray();
        var sigma0 = o.EffectiveSigma;
        var dim = data[0].Length;
        for (var t = 0; t < o.Iterations; t++)
        {
            var sigma = ReferenceSom.Decayed(o.SigmaDecay, sigma0, t, o.Iterations, sigma0);
            var bmus = data.Select(v => bmuOf(w, v)).ToArray();
            var next = new float[w.Length][];
            for (var k = 0; k < w.Length; k++)
            {
                var num = new double[dim];
                var den = 0.0;
                for (var s = 0; s < data.Length; s++)
                {
                    var h = ReferenceSom.Theta(o.Neighborhood, ReferenceSom.GridDistanceSquared(map, k, bmus[s]), sigma);
                    den += h;
                    for (var i = 0; i < dim; i++)
                    {
                        num[i] += h * data[s][i];
                    }
                }

                next[k] = den > 0 ? [.. num.Select(x => (float)(x / den))] : w[k];
            }

            w = next;
        }

        return w;
    }

    private static float[][] Initial(SomOptions options, float[][] rows)
    {
        var flat = CodebookInitializer.Create(TestData.Matrix(rows), options.CreateGrid(), options.Initialization, new SomRandom(options.Seed!.Value));
        return TestData.Split(flat, rows[0].Length);
    }

    private static ReferenceSom.Map MapOf(SomOptions o) => new(o.Width, o.Height, o.Topology == Topology.Hexagonal, o.Toroidal);

    public static TheoryData<DistanceMetric, Topology, bool, int> Cases()
    {
        var cases = new TheoryData<DistanceMetric, Topology, bool, int>();
        foreach (var distance in new[] { DistanceMetric.Manhattan, DistanceMetric.Cosine })
        {
            cases.Add(distance, Topology.Rectangular, false, 3);
            cases.Add(distance, Topology.Rectangular, true, 11);
            cases.Add(distance, Topology.Hexagonal, false, 11);
            cases.Add(distance, Topology.Hexagonal, true, 3);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnlineTrainingMatchesTheReferenceWithItsDistance(DistanceMetric distance, Topology topology, bool toroidal, int dim)
    {
        var options = new SomOptions
        {
            Width = 6, Height = 4, Topology = topology, Toroidal = toroidal, Iterations = 40, Seed = 7,
            MaxDegreeOfParallelism = 1, ExactNeighborhood = true, Distance = distance,
        };
        var rows = TestData.Uniform(24, dim, seed: 3);

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var expected = ReferenceOnline(MapOf(options), Initial(options, rows), rows, options, BmuOf(distance));
        var euclidean = new SomTrainer(options with { Distance = DistanceMetric.Euclidean }).Fit(TestData.Matrix(rows));

        Assert.True(TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim)) <= 1e-5f,
            $"max difference {TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim))}");
        Assert.True(TestData.MaxAbsDifference(expected, TestData.Split(euclidean.Codebook, dim)) > 1e-3f, "the distance changed nothing");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchTrainingMatchesTheReferenceWithItsDistance(DistanceMetric distance, Topology topology, bool toroidal, int dim)
    {
        var options = new SomOptions
        {
            Width = 5, Height = 4, Topology = topology, Toroidal = toroidal, Algorithm = TrainingAlgorithm.Batch,
            Iterations = 30, Seed = 2, MaxDegreeOfParallelism = 1, Distance = distance,
        };
        // Clusters around the origin, so that their directions differ (cosine): data all in one
        // orthant puts every node within a narrow cone, where float32 rounding decides near ties.
        var rows = TestData.Clusters(40, dim, k: 4, seed: 9).Select(r => r.Select(x => x - 5f).ToArray()).ToArray();

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var expected = ReferenceBatch(MapOf(options), Initial(options, rows), rows, options, BmuOf(distance));

        Assert.True(TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim)) <= 1e-5f,
            $"max difference {TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim))}");
    }

    [Theory]
    [InlineData(DistanceMetric.Manhattan, TrainingAlgorithm.Online, Topology.Hexagonal, true, 16)]
    [InlineData(DistanceMetric.Manhattan, TrainingAlgorithm.Online, Topology.Rectangular, false, 5)]
    [InlineData(DistanceMetric.Manhattan, TrainingAlgorithm.Batch, Topology.Rectangular, true, 16)]
    [InlineData(DistanceMetric.Cosine, TrainingAlgorithm.Online, Topology.Rectangular, true, 16)]
    [InlineData(DistanceMetric.Cosine, TrainingAlgorithm.Online, Topology.Hexagonal, false, 5)]
    [InlineData(DistanceMetric.Cosine, TrainingAlgorithm.Batch, Topology.Hexagonal, true, 16)]
    public void CodebookIsBitIdenticalForOneTwoAndFourThreads(DistanceMetric distance, TrainingAlgorithm algorithm, Topology topology, bool toroidal, int dim)
    {
        // 64 × 64 nodes: nodes × dim ≥ 2¹⁶, so the searches and updates run in parallel chunks.
        var data = TestData.Matrix(TestData.Clusters(300, dim, k: 5, seed: 4));
        var options = new SomOptions
        {
            Width = 64, Height = 64, Topology = topology, Toroidal = toroidal, Algorithm = algorithm,
            Iterations = 2, Seed = 1, Shuffle = true, Scaling = Scaling.ZScore, Distance = distance, MetricsEvery = 1,
        };

        var one = new SomTrainer(options with { MaxDegreeOfParallelism = 1 }).Fit(data);
        var two = new SomTrainer(options with { MaxDegreeOfParallelism = 2 }).Fit(data);
        var four = new SomTrainer(options with { MaxDegreeOfParallelism = 4 }).Fit(data);

        Assert.Equal(one.Codebook.ToArray(), two.Codebook.ToArray());
        Assert.Equal(one.Codebook.ToArray(), four.Codebook.ToArray());
        Assert.Equal(one.History, two.History);
        Assert.Equal(one.History, four.History);
    }

    [Theory]
    [InlineData(DistanceMetric.Manhattan)]
    [InlineData(DistanceMetric.Cosine)]
    public void StreamingTheDataGivesTheMapOfTheRowsInMemory(DistanceMetric distance)
    {
        var data = TestData.Matrix(TestData.Clusters(700, 12, k: 5, seed: 6).Select(r => r.Select(x => x - 5f).ToArray()).ToArray());
        var path = Path.Combine(Path.GetTempPath(), $"kohonen-distance-{Guid.NewGuid():N}.npy");
        try
        {
            NpyFile.Write(path, data);
            var options = new SomOptions { Width = 7, Height = 5, Algorithm = TrainingAlgorithm.Batch, Iterations = 6, Seed = 3, Distance = distance, MetricsEvery = 3 };

            var inMemory = new SomTrainer(options).Fit(data);
            using var source = DataSource.FromNpy(path, 150);
            var streamed = new SomTrainer(options).Fit(source);

            Assert.Equal(inMemory.Codebook.ToArray(), streamed.Codebook.ToArray());
            Assert.Equal(inMemory.History, streamed.History);
            Assert.Equal(QualityMetrics.OfTraining(inMemory, data), QualityMetrics.OfTraining(streamed, source));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
