using Kohonen.Kernels;
using Kohonen.Maps;

namespace Kohonen.Training;

/// <summary>
/// The classic online Kohonen algorithm. For t = 0..T−1 and every sample V in order (or shuffled per
/// iteration): the BMU is the node with the least Euclidean distance to V (ties to the lowest index);
/// every node W then moves W ← W + αₜ·θ(d, σₜ)·(V − W), d its grid distance to the BMU.
/// </summary>
/// <remarks>
/// Fast paths, all exact: θ comes from per-axis tables (<see cref="NeighborhoodTable"/>), a node
/// whose step h = αθ is exactly 0 is skipped (the update would leave it unchanged), and for large
/// maps both the BMU search and the update run over fixed chunks of nodes on several threads. Each
/// node's arithmetic does not depend on the chunking, so the codebook is the same, bit for bit, with
/// any number of threads.
/// </remarks>
internal static class OnlineTrainer
{
    /// <summary>Nodes·dimension at or above which a sample's update is split across threads.</summary>
    private const int ParallelWorkThreshold = 1 << 16;

    public static void Train(float[] codebook, Grid grid, TrainingRun run, SomRandom random)
    {
        var data = run.Data;
        var dim = data.Columns;
        var width = grid.Width;
        var order = new int[data.Rows];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var table = new NeighborhoodTable(grid, run.Options.Neighborhood);
        var rowSteps = new float[width];
        var threads = (long)grid.NodeCount * dim >= ParallelWorkThreshold ? run.MaxThreads : 1;
        var rowsPerChunk = Math.Max(1, BmuSearch.ChunkNodes / width);
        var chunks = (grid.Height + rowsPerChunk - 1) / rowsPerChunk;
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var sample = new float[dim];

        for (var t = 0; t < run.Options.Iterations; t++)
        {
            var sigma = run.Schedule.Sigma(t);
            var alpha = run.Schedule.LearningRate(t);
            if (run.Options.Shuffle)
            {
                random.Permutation(order);
            }

            for (var i = 0; i < order.Length; i++)
            {
                if ((i & 63) == 0)
                {
                    run.CancellationToken.ThrowIfCancellationRequested();
                }

                data.Row(order[i]).CopyTo(sample);
                var bmu = BmuSearch.FindBest(codebook, dim, sample, threads, out _);
                table.Prepare(bmu, sigma);
                if (threads == 1)
                {
                    UpdateRows(codebook, dim, width, sample, table, alpha, 0, grid.Height, rowSteps);
                }
                else
                {
                    Parallel.For(0, chunks, parallelOptions, c =>
                    {
                        Span<float> steps = width <= 4096 ? stackalloc float[width] : new float[width];
                        var first = c * rowsPerChunk;
                        UpdateRows(codebook, dim, width, sample, table, alpha, first, Math.Min(grid.Height, first + rowsPerChunk), steps);
                    });
                }
            }

            run.Report(t, codebook, sigma, alpha);
        }
    }

    /// <summary>Moves the nodes of rows [firstRow, endRow) towards the sample.</summary>
    private static void UpdateRows(float[] codebook, int dim, int width, float[] sample, NeighborhoodTable table, double alpha, int firstRow, int endRow, Span<float> steps)
    {
        for (var y = firstRow; y < endRow; y++)
        {
            if (!table.FillRow(y, alpha, steps))
            {
                continue;
            }

            var rowStart = y * width;
            for (var x = 0; x < width; x++)
            {
                var h = steps[x];
                if (h != 0)
                {
                    WeightUpdate.Apply(codebook.AsSpan((rowStart + x) * dim, dim), sample, h);
                }
            }
        }
    }
}
