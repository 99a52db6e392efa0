using Kohonen.Kernels;
using Kohonen.Maps;

namespace Kohonen.Training;

/// <summary>
/// The classic online Kohonen algorithm. For t = 0..T−1 and every sample V in order (or shuffled per
/// iteration): the BMU is the node with the least Euclidean distance to V (ties to the lowest index);
/// every node W then moves W ← W + αₜ·θ(d, σₜ)·(V − W), d its grid distance to the BMU.
/// </summary>
/// <remarks>
/// Fast paths, all exact: θ comes from per-axis tables (<see cref="NeighborhoodTable"/>), one grid
/// row at a time; a row whose steps are all 0 is skipped (the update would leave it unchanged).
/// Below <see cref="BmuSearch.PlanarBelowDimension"/> features the codebook is kept feature-major
/// during training so that search and update run across 8 nodes per vector; above, node by node
/// with SIMD across features. For large maps both the search and the update run over fixed chunks
/// of nodes on several threads. Each node's arithmetic does not depend on the layout's lanes or on
/// the chunking, so the codebook is the same, bit for bit, with any number of threads.
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
        var nodes = grid.NodeCount;
        var order = new int[data.Rows];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var planes = dim < BmuSearch.PlanarBelowDimension ? CodebookLayout.ToPlanes(codebook, dim) : null;
        var table = new NeighborhoodTable(grid, run.Options.Neighborhood);
        var rowSteps = new float[width];
        var threads = (long)nodes * dim >= ParallelWorkThreshold ? run.MaxThreads : 1;
        var rowsPerChunk = Math.Max(1, BmuSearch.ChunkNodes / width);
        var chunks = (grid.Height + rowsPerChunk - 1) / rowsPerChunk;
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var sample = new float[dim];
        float[] NodeMajor()
        {
            if (planes is not null)
            {
                CodebookLayout.FromPlanes(planes, dim, codebook);
            }

            return codebook;
        }

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
                var bmu = planes is null
                    ? BmuSearch.FindBest(codebook, dim, sample, threads, out _)
                    : BmuSearch.FindBestPlanar(planes, nodes, sample, threads, out _);
                table.Prepare(bmu, sigma);
                if (threads == 1)
                {
                    UpdateRows(codebook, planes, dim, width, nodes, sample, table, alpha, 0, grid.Height, rowSteps);
                }
                else
                {
                    Parallel.For(0, chunks, parallelOptions, c =>
                    {
                        Span<float> steps = width <= 4096 ? stackalloc float[width] : new float[width];
                        var first = c * rowsPerChunk;
                        UpdateRows(codebook, planes, dim, width, nodes, sample, table, alpha, first, Math.Min(grid.Height, first + rowsPerChunk), steps);
                    });
                }
            }

            run.Report(t, NodeMajor, sigma, alpha);
        }

        NodeMajor();
    }

    /// <summary>Moves the nodes of grid rows [firstRow, endRow) towards the sample: along each row
    /// of a planar codebook feature by feature, else node by node.</summary>
    private static void UpdateRows(float[] codebook, float[]? planes, int dim, int width, int nodes, float[] sample,
        NeighborhoodTable table, double alpha, int firstRow, int endRow, Span<float> steps)
    {
        for (var y = firstRow; y < endRow; y++)
        {
            if (!table.FillRow(y, alpha, steps))
            {
                continue;
            }

            var rowStart = y * width;
            if (planes is not null)
            {
                for (var f = 0; f < dim; f++)
                {
                    WeightUpdate.ApplyPlanar(planes.AsSpan((f * nodes) + rowStart, width), steps[..width], sample[f]);
                }

                continue;
            }

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
