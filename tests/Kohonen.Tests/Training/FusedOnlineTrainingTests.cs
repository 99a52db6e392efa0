using Kohonen.Kernels;

namespace Kohonen.Tests.Training;

/// <summary>The fused online training (one pass a sample, on one thread or two) against the unfused
/// loops of <see cref="OnlineTrainer"/>: the same codebook, bit for bit, with and without the
/// neighbourhood cut-off, at every vector width (a width the machine does not run is skipped).</summary>
public class FusedOnlineTrainingTests
{
    public static TheoryData<int, int, int, Topology, bool, bool, bool, int> Cases()
    {
        var cases = new TheoryData<int, int, int, Topology, bool, bool, bool, int>();
        foreach (var lanes in new[] { 16, 8, 4 })
        {
            cases.Add(17, 5, 1, Topology.Rectangular, false, false, false, lanes);
            cases.Add(31, 4, 3, Topology.Rectangular, true, true, false, lanes);
            cases.Add(9, 11, 2, Topology.Hexagonal, false, true, true, lanes);
            cases.Add(40, 4, 7, Topology.Hexagonal, true, false, false, lanes);
            cases.Add(6, 6, 4, Topology.Rectangular, false, false, true, lanes);
            // Up to 256 nodes a rectangular map runs as one row with a table of steps per BMU (the
            // cases above); from 257 on, one thread below 4,096 nodes, as one row with a row and a
            // column table where grid rows would be much padding (13×21 at every width; 20×15, 33×9,
            // 37×23 and 50×50 at 16 and 8 lanes), else as grid rows (257×1, whose column table would
            // be too long; the others at 4 lanes, where their rows are little padding).
            cases.Add(16, 16, 3, Topology.Rectangular, true, false, false, lanes);
            cases.Add(257, 1, 2, Topology.Rectangular, false, true, false, lanes);
            cases.Add(20, 15, 3, Topology.Rectangular, true, true, false, lanes);
            cases.Add(33, 9, 6, Topology.Rectangular, false, false, true, lanes);
            cases.Add(13, 21, 4, Topology.Rectangular, true, true, false, lanes);
            cases.Add(37, 23, 3, Topology.Rectangular, false, true, false, lanes);
            cases.Add(37, 23, 1, Topology.Rectangular, true, false, true, lanes);
            cases.Add(50, 50, 2, Topology.Rectangular, true, true, false, lanes);
            cases.Add(50, 50, 7, Topology.Rectangular, false, false, false, lanes);
            // From 4,096 nodes the fused step runs on two threads, split at a grid row. Thirty
            // iterations take σ down to 1, where far x factors are subnormal and the cut-off zeroes
            // them (no node moves differently for that).
            cases.Add(64, 70, 3, Topology.Rectangular, false, true, false, lanes);
            cases.Add(80, 56, 5, Topology.Hexagonal, true, false, true, lanes);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheFusedTrainingGivesTheUnfusedCodebookBitForBit(int width, int height, int dim, Topology topology, bool toroidal, bool shuffle, bool exact, int lanes)
    {
        Assert.SkipUnless(VectorWidths.Runs(lanes), $"this machine does not run {lanes * 32}-bit vectors natively");
        var options = new SomOptions
        {
            Width = width, Height = height, Topology = topology, Toroidal = toroidal, Shuffle = shuffle, ExactNeighborhood = exact,
            Iterations = 30, Seed = 5, MaxDegreeOfParallelism = 2,
        };
        var data = DataMatrix.FromRows(TestData.Clusters(width * height > 4000 ? 120 : 40, dim, k: 4, seed: dim));

        var fused = Train(options, data, lanes);
        var unfused = Train(options, data, lanes: 0);

        Assert.Equal(unfused, fused);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    [InlineData(4)]
    public void TheCasesRunEveryLayout(int lanes)
    {
        var layouts = Cases().Select(c => c.Data).Select(c =>
        {
            var grid = new Grid(c.Item1, c.Item2, c.Item4, c.Item5);
            return FusedOnlineTraining.LayoutFor(grid, lanes, twoThreads: grid.NodeCount >= FusedOnlineTraining.TwoThreadNodes);
        }).ToHashSet();

        Assert.Equal(Enum.GetValues<FusedOnlineTraining.Layout>().ToHashSet(), layouts);
    }

    /// <summary>The trained codebook: fused at <paramref name="lanes"/> floats per vector, or by the
    /// unfused loops for 0.</summary>
    private static float[] Train(SomOptions options, DataMatrix data, int lanes)
    {
        var grid = options.CreateGrid();
        var random = new SomRandom(options.Seed!.Value);
        var rows = new TrainingData.InMemory(data);
        var codebook = CodebookInitializer.Create(rows, grid, options.Initialization, random);
        var run = new TrainingRun(rows, options, grid, options.MaxDegreeOfParallelism!.Value, null, CancellationToken.None);
        if (lanes == 0)
        {
            OnlineTrainer.Train(codebook, grid, run, random, fuse: false);
        }
        else
        {
            FusedOnlineTraining.Train(codebook, grid, run, random, lanes);
        }

        return codebook;
    }
}
