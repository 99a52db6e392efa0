
namespace Kohonen.Tests.Training;

/// <summary>Same data, options and seed give the same codebook, bit for bit, whatever the number of
/// threads. The maps are big enough for the parallel paths to run: nodes × dim ≥ 2¹⁶ for the
/// node-major ones, 4,096 nodes for the fused online step of few features on two threads.</summary>
public class DeterminismTests
{
    [Theory]
    [InlineData(TrainingAlgorithm.Online, Topology.Rectangular, false, 16)]
    [InlineData(TrainingAlgorithm.Online, Topology.Hexagonal, true, 16)]
    [InlineData(TrainingAlgorithm.Online, Topology.Rectangular, false, 3)]
    [InlineData(TrainingAlgorithm.Online, Topology.Hexagonal, true, 5)]
    [InlineData(TrainingAlgorithm.Batch, Topology.Rectangular, true, 16)]
    [InlineData(TrainingAlgorithm.Batch, Topology.Hexagonal, false, 16)]
    public void CodebookIsBitIdenticalForOneTwoAndFourThreads(TrainingAlgorithm algorithm, Topology topology, bool toroidal, int dim)
    {
        var data = TestData.Matrix(TestData.Clusters(300, dim, k: 5, seed: 4));
        var options = new SomOptions
        {
            Width = 64, Height = 64, Topology = topology, Toroidal = toroidal, Algorithm = algorithm,
            Iterations = algorithm == TrainingAlgorithm.Online ? 2 : 4, Seed = 1, Shuffle = true, Scaling = Scaling.ZScore,
        };

        var one = Train(options with { MaxDegreeOfParallelism = 1 }, data);
        var two = Train(options with { MaxDegreeOfParallelism = 2 }, data);
        var four = Train(options with { MaxDegreeOfParallelism = 4 }, data);

        Assert.Equal(one, two);
        Assert.Equal(one, four);
    }

    [Fact]
    public void TheModelFileIsTheSameBytesWhateverTheThreads()
    {
        var data = TestData.Matrix(TestData.Clusters(200, 5, k: 4, seed: 2));
        var options = new SomOptions { Width = 9, Height = 7, Iterations = 3, Seed = 6 };

        var unset = SomFile.ToBytes(new SomTrainer(options).Fit(data));

        Assert.Equal(unset, SomFile.ToBytes(new SomTrainer(options with { MaxDegreeOfParallelism = 1 }).Fit(data)));
        Assert.Equal(unset, SomFile.ToBytes(new SomTrainer(options with { MaxDegreeOfParallelism = 2 }).Fit(data)));
    }

    [Fact]
    public void SameSeedGivesTheSameMapAndAnotherSeedAnotherMap()
    {
        var data = TestData.Matrix(TestData.Uniform(50, 3, seed: 1));
        var options = new SomOptions { Width = 8, Height = 8, Iterations = 5, Seed = 42 };

        Assert.Equal(Train(options, data), Train(options, data));
        Assert.NotEqual(Train(options, data), Train(options with { Seed = 43 }, data));
    }

    [Fact]
    public void AnUnseededTrainingRecordsTheSeedItDrewSoItCanBeRepeated()
    {
        var data = TestData.Matrix(TestData.Uniform(50, 3, seed: 1));
        var first = new SomTrainer(new SomOptions { Width = 6, Height = 6, Iterations = 3 }).Fit(data);

        Assert.NotNull(first.Options!.Seed);
        var again = new SomTrainer(first.Options).Fit(data);
        Assert.Equal(first.Codebook.ToArray(), again.Codebook.ToArray());
    }

    private static float[] Train(SomOptions options, DataMatrix data) => new SomTrainer(options).Fit(data).Codebook.ToArray();
}
