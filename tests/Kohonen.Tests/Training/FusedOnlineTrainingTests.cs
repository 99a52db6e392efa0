using Kohonen.Data;
using Kohonen.Kernels;
using Kohonen.Maps;
using Kohonen.Training;

namespace Kohonen.Tests.Training;

/// <summary>The fused online training (one pass a sample, on one thread or two) against the unfused
/// loops of <see cref="OnlineTrainer"/>: the same codebook, bit for bit, with and without the
/// neighbourhood cut-off.</summary>
public class FusedOnlineTrainingTests
{
    [Theory]
    [InlineData(17, 5, 1, Topology.Rectangular, false, false, false)]
    [InlineData(31, 4, 3, Topology.Rectangular, true, true, false)]
    [InlineData(9, 11, 2, Topology.Hexagonal, false, true, true)]
    [InlineData(40, 4, 7, Topology.Hexagonal, true, false, false)]
    [InlineData(6, 6, 4, Topology.Rectangular, false, false, true)]
    // From 4,096 nodes the fused step runs on two threads, split at a grid row. Thirty iterations take
    // σ down to 1, where far x factors are subnormal and the cut-off zeroes them (no node moves
    // differently for that).
    [InlineData(64, 70, 3, Topology.Rectangular, false, true, false)]
    [InlineData(80, 56, 5, Topology.Hexagonal, true, false, true)]
    public void TheFusedTrainingGivesTheUnfusedCodebookBitForBit(int width, int height, int dim, Topology topology, bool toroidal, bool shuffle, bool exact)
    {
        Assert.SkipUnless(FusedOnlineStep.IsSupported(dim), "no 512-bit vectors on this machine");
        var options = new SomOptions
        {
            Width = width, Height = height, Topology = topology, Toroidal = toroidal, Shuffle = shuffle, ExactNeighborhood = exact,
            Iterations = 30, Seed = 5, MaxDegreeOfParallelism = 2,
        };
        var data = DataMatrix.FromRows(TestData.Clusters(width * height > 4000 ? 120 : 40, dim, k: 4, seed: dim));

        var fused = Train(options, data, fuse: true);
        var unfused = Train(options, data, fuse: false);

        Assert.Equal(unfused, fused);
    }

    private static float[] Train(SomOptions options, DataMatrix data, bool fuse)
    {
        var grid = options.CreateGrid();
        var random = new SomRandom(options.Seed!.Value);
        var rows = new TrainingData.InMemory(data);
        var codebook = CodebookInitializer.Create(rows, grid, options.Initialization, random);
        var run = new TrainingRun(rows, options, grid, options.MaxDegreeOfParallelism!.Value, null, CancellationToken.None);
        OnlineTrainer.Train(codebook, grid, run, random, fuse);
        return codebook;
    }
}
