using Kohonen.Tests.Reference;

namespace Kohonen.Tests.Training;

/// <summary>The fast trainers give the codebook of the plain reference, within 1e-5, after 100
/// iterations on small maps of every topology. Online training runs exact here (no neighbourhood
/// cut-off): the reference updates every node.</summary>
public class TrainerMatchesReferenceTests
{
    public static TheoryData<Topology, bool, Neighborhood, int> OnlineCases()
    {
        var cases = new TheoryData<Topology, bool, Neighborhood, int>();
        foreach (var topology in Enum.GetValues<Topology>())
        {
            foreach (var toroidal in new[] { false, true })
            {
                foreach (var neighborhood in Enum.GetValues<Neighborhood>())
                {
                    cases.Add(topology, toroidal, neighborhood, 3);
                }

                // A dimension past one SIMD vector, with a remainder: the vector kernels run.
                cases.Add(topology, toroidal, Neighborhood.Gaussian, 11);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(OnlineCases))]
    public void OnlineTrainerMatchesTheReferenceAlgorithm(Topology topology, bool toroidal, Neighborhood neighborhood, int dim)
    {
        var options = new SomOptions
        {
            Width = 6, Height = 4, Topology = topology, Toroidal = toroidal, Neighborhood = neighborhood,
            Iterations = 100, Seed = 7, MaxDegreeOfParallelism = 1, ExactNeighborhood = true,
        };
        var rows = TestData.Uniform(24, dim, seed: 3);

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var expected = ReferenceSom.TrainOnline(MapOf(options), InitialCodebook(options, rows, out _), rows, options);

        Assert.True(TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim)) <= 1e-5f,
            $"max difference {TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim))}");
    }

    /// <summary>Maps whose rows are not whole vectors (the fused step pads them) and every planar
    /// dimension, on both topologies, flat and toroidal, the samples in order and shuffled.</summary>
    [Theory]
    [InlineData(17, 3, 1, Topology.Rectangular, false, false)]
    [InlineData(15, 4, 2, Topology.Rectangular, true, true)]
    [InlineData(33, 2, 3, Topology.Rectangular, false, true)]
    [InlineData(16, 5, 4, Topology.Hexagonal, false, false)]
    [InlineData(9, 6, 5, Topology.Hexagonal, true, true)]
    [InlineData(20, 3, 6, Topology.Rectangular, true, false)]
    [InlineData(1, 7, 7, Topology.Rectangular, false, false)]
    public void OnlineGaussianTrainingMatchesTheReferenceOnAwkwardShapes(int width, int height, int dim, Topology topology, bool toroidal, bool shuffle)
    {
        var options = new SomOptions
        {
            Width = width, Height = height, Topology = topology, Toroidal = toroidal, Iterations = 40, Seed = 3,
            Shuffle = shuffle, MaxDegreeOfParallelism = 1, ExactNeighborhood = true,
        };
        var rows = TestData.Uniform(19, dim, seed: width + dim);

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var initial = InitialCodebook(options, rows, out var random);
        var orders = shuffle ? Enumerable.Range(0, options.Iterations).Select(_ => NextOrder(random, rows.Length)).ToArray() : null;
        var expected = ReferenceSom.TrainOnline(MapOf(options), initial, rows, options, orders);

        Assert.True(TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim)) <= 1e-5f,
            $"max difference {TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, dim))}");
    }

    [Theory]
    [InlineData(Decay.Linear, Decay.Linear, false)]
    [InlineData(Decay.Inverse, Decay.Asymptotic, true)]
    [InlineData(Decay.Asymptotic, Decay.ExponentialClassic, true)]
    public void OnlineTrainerMatchesTheReferenceWithOtherDecaysAndShuffling(Decay learningRateDecay, Decay sigmaDecay, bool shuffle)
    {
        var options = new SomOptions
        {
            Width = 5, Height = 5, Iterations = 120, Seed = 11, LearningRate = 0.3, Sigma = 2.5,
            LearningRateDecay = learningRateDecay, SigmaDecay = sigmaDecay, Shuffle = shuffle, MaxDegreeOfParallelism = 1,
            ExactNeighborhood = true,
        };
        var rows = TestData.Uniform(30, 4, seed: 5);

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var initial = InitialCodebook(options, rows, out var random);
        int[][]? orders = null;
        if (shuffle)
        {
            orders = new int[options.Iterations][];
            for (var t = 0; t < orders.Length; t++)
            {
                orders[t] = new int[rows.Length];
                random.Permutation(orders[t]);
            }
        }

        var expected = ReferenceSom.TrainOnline(MapOf(options), initial, rows, options, orders);

        Assert.True(TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, 4)) <= 1e-5f);
    }

    [Theory]
    [InlineData(Topology.Rectangular, false, Neighborhood.Gaussian)]
    [InlineData(Topology.Rectangular, true, Neighborhood.Bubble)]
    [InlineData(Topology.Hexagonal, false, Neighborhood.Triangle)]
    [InlineData(Topology.Hexagonal, true, Neighborhood.Gaussian)]
    public void BatchTrainerMatchesTheReferenceBatchMap(Topology topology, bool toroidal, Neighborhood neighborhood)
    {
        var options = new SomOptions
        {
            Width = 5, Height = 4, Topology = topology, Toroidal = toroidal, Neighborhood = neighborhood,
            Algorithm = TrainingAlgorithm.Batch, Iterations = 100, Seed = 2, MaxDegreeOfParallelism = 1,
        };
        var rows = TestData.Clusters(40, 3, k: 4, seed: 9);

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var expected = ReferenceSom.TrainBatch(MapOf(options), InitialCodebook(options, rows, out _), rows, options);

        Assert.True(TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, 3)) <= 1e-5f,
            $"max difference {TestData.MaxAbsDifference(expected, TestData.Split(model.Codebook, 3))}");
    }

    private static int[] NextOrder(SomRandom random, int length)
    {
        var order = new int[length];
        random.Permutation(order);
        return order;
    }

    private static ReferenceSom.Map MapOf(SomOptions o) => new(o.Width, o.Height, o.Topology == Topology.Hexagonal, o.Toroidal);

    /// <summary>The codebook the trainer starts from: the same initialiser and random stream.</summary>
    private static float[][] InitialCodebook(SomOptions options, float[][] rows, out SomRandom random)
    {
        random = new SomRandom(options.Seed!.Value);
        var flat = CodebookInitializer.Create(TestData.Matrix(rows), options.CreateGrid(), options.Initialization, random);
        return TestData.Split(flat, rows[0].Length);
    }
}
