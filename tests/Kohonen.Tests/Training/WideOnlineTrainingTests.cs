namespace Kohonen.Tests.Training;

/// <summary>The fused online training on wide rows (from 8 features: update and next search in one
/// pass, passes walking the nodes in alternating directions, on one thread or two) against the
/// unfused loops of <see cref="OnlineTrainer"/>: the same codebook, bit for bit.</summary>
public class WideOnlineTrainingTests
{
    public static TheoryData<int, int, int, Topology, bool, bool, bool, Neighborhood> Cases() => new()
    {
        { 9, 7, 8, Topology.Rectangular, false, false, false, Neighborhood.Gaussian },
        { 10, 10, 33, Topology.Rectangular, true, true, false, Neighborhood.Gaussian },
        { 11, 6, 13, Topology.Hexagonal, false, true, true, Neighborhood.Gaussian },
        { 8, 8, 64, Topology.Hexagonal, true, false, false, Neighborhood.Gaussian },
        { 7, 5, 40, Topology.Rectangular, false, true, false, Neighborhood.Bubble },
        { 6, 9, 17, Topology.Rectangular, true, false, false, Neighborhood.Triangle },
        { 5, 4, 9, Topology.Rectangular, false, false, false, Neighborhood.MexicanHat },
        { 1, 12, 24, Topology.Rectangular, false, true, false, Neighborhood.Gaussian },
        { 13, 1, 100, Topology.Rectangular, false, false, true, Neighborhood.Gaussian },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheWideTrainingGivesTheUnfusedCodebookBitForBit(int width, int height, int dim, Topology topology, bool toroidal, bool shuffle, bool exact, Neighborhood neighborhood)
    {
        var options = new SomOptions
        {
            Width = width, Height = height, Topology = topology, Toroidal = toroidal, Shuffle = shuffle, ExactNeighborhood = exact,
            Neighborhood = neighborhood, Iterations = 25, Seed = 3, MaxDegreeOfParallelism = 2,
            LearningRate = neighborhood == Neighborhood.MexicanHat ? 0.02 : 0.1,
        };
        var data = DataMatrix.FromRows(TestData.Clusters(45, dim, k: 5, seed: dim));

        var unfused = Train(options, data, threads: -1);

        Assert.Equal(unfused, Train(options, data, threads: 1));
        Assert.Equal(unfused, Train(options, data, threads: 2));
        Assert.Equal(unfused, Train(options, data, threads: 0));
    }

    [Fact]
    public void TiesGoToTheLowestNodeWhicheverWayAPassWalks()
    {
        // Every node starts at the data's mean. A sample moves only the nodes near its BMU (σ is small),
        // and the next sample, from another cluster, is then closest to the nodes left at the mean: a
        // tie among them all, across the two threads' halves, which the unfused scan gives to the
        // lowest index (a walk from the last node must too, or the codebooks part).
        var options = new SomOptions { Width = 8, Height = 6, Iterations = 3, Seed = 2, MaxDegreeOfParallelism = 2, Sigma = 0.6, SigmaDecay = Decay.Linear, LearningRateDecay = Decay.Linear };
        var data = DataMatrix.FromRows(TestData.Clusters(30, 16, k: 3, seed: 9));

        var unfused = Train(options, data, threads: -1, constantStart: true);

        Assert.Equal(unfused, Train(options, data, threads: 1, constantStart: true));
        Assert.Equal(unfused, Train(options, data, threads: 2, constantStart: true));
    }

    [Fact]
    public void AMapLargeEnoughForTwoThreadsGivesTheUnfusedCodebookAcrossProbeWindows()
    {
        // 16×16 nodes × 512 features is the size from which the step is split over two threads: with
        // the thread choice probing, 2,400 steps cross a window's end (where the worker is kept awake
        // for the next probe) and 19 iterations' ends (where it may sleep while the map is measured).
        var options = new SomOptions { Width = 16, Height = 16, Iterations = 20, Seed = 6, MaxDegreeOfParallelism = 2, Shuffle = true };
        var data = DataMatrix.FromRows(TestData.Clusters(120, 512, k: 6, seed: 12));

        var unfused = Train(options, data, threads: -1);

        Assert.Equal(unfused, Train(options, data, threads: 0));
        Assert.Equal(unfused, Train(options, data, threads: 2));
    }

    [Fact]
    public void TheTrainerTakesTheWidePathForWideRowsAndGivesTheSameModel()
    {
        var options = new SomOptions { Width = 12, Height = 10, Iterations = 4, Seed = 8, MaxDegreeOfParallelism = 2 };
        var data = DataMatrix.FromRows(TestData.Clusters(60, 20, k: 4, seed: 4));

        Assert.Equal(Train(options, data, threads: -1), Train(options, data, threads: -2));
    }

    /// <summary>The trained codebook: the unfused loops (−1), the trainer's own choice (−2), or the wide
    /// training on 1 or 2 threads, or choosing (0).</summary>
    private static float[] Train(SomOptions options, DataMatrix data, int threads, bool constantStart = false)
    {
        var grid = options.CreateGrid();
        var random = new SomRandom(options.Seed!.Value);
        var rows = new TrainingData.InMemory(data);
        var codebook = CodebookInitializer.Create(rows, grid, options.Initialization, random);
        if (constantStart)
        {
            for (var k = 0; k < grid.NodeCount; k++)
            {
                for (var f = 0; f < data.Columns; f++)
                {
                    var sum = 0.0;
                    for (var r = 0; r < data.Rows; r++)
                    {
                        sum += data.Row(r)[f];
                    }

                    codebook[(k * data.Columns) + f] = (float)(sum / data.Rows);
                }
            }
        }

        var run = new TrainingRun(rows, options, grid, options.MaxDegreeOfParallelism!.Value, null, CancellationToken.None);
        switch (threads)
        {
            case -1:
                OnlineTrainer.Train(codebook, grid, run, random, fuse: false);
                break;
            case -2:
                OnlineTrainer.Train(codebook, grid, run, random);
                break;
            default:
                WideOnlineTraining.Train(codebook, grid, run, random, threads);
                break;
        }

        return codebook;
    }
}
