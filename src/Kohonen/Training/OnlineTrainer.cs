using System.Runtime.CompilerServices;
using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// The classic online Kohonen algorithm. For t = 0..T−1 and every sample V in order (or shuffled per
/// iteration): the BMU is the node with the least Euclidean distance to V (ties to the lowest index);
/// every node W then moves W ← W + αₜ·θ(d, σₜ)·(V − W), d its grid distance to the BMU.
/// </summary>
/// <remarks>
/// Fast paths, all exact, chosen by <see cref="SearchPlanner"/>. The Gaussian with fewer than
/// <see cref="BmuSearch.PlanarBelowDimension"/> features, on machines with vectors, goes to <see cref="FusedOnlineTraining"/>: each
/// sample's update fused with the next sample's search, one pass over the codebook a sample. From
/// <see cref="BmuSearch.PlanarBelowDimension"/> features, with the Euclidean distance and rows without
/// holes, <see cref="WideOnlineTraining"/> fuses them node by node with SIMD across features. The other
/// cases run here: θ comes from per-axis tables (<see cref="NeighborhoodTable"/>), one grid row at a
/// time; a row whose steps are all 0 is skipped (the update would leave it unchanged). Below
/// <see cref="BmuSearch.PlanarBelowDimension"/> features the codebook is kept feature-major during
/// training so that search and update run across nodes; above, node by node with SIMD across
/// features. For large maps both the search and the update run over fixed chunks of nodes on
/// several threads. Each node's arithmetic does not depend on the layout's lanes or on the
/// chunking, so the codebook is the same, bit for bit, with any number of threads.
/// </remarks>
internal static class OnlineTrainer
{
    /// <summary>Nodes·dimension at or above which a sample's update is split across threads.</summary>
    private const int ParallelWorkThreshold = 1 << 16;

    /// <param name="codebook">The initial codebook, node-major; trained in place.</param>
    /// <param name="grid">The map's grid.</param>
    /// <param name="run">Data, options, schedule, threads, progress.</param>
    /// <param name="random">The random stream (shuffling).</param>
    /// <param name="fuse">Whether the fused step may be used where it applies (tests turn it off to
    /// compare it with the loops here, which give the same bits).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Train(float[] codebook, Grid grid, TrainingRun run, SomRandom random, bool fuse = true)
    {
        var data = run.Data;
        var dim = data.Columns;
        var width = grid.Width;
        var nodes = grid.NodeCount;
        var order = Identity(data.Rows);
        var threads = (long)nodes * dim >= ParallelWorkThreshold ? run.MaxThreads : 1;
        var distance = run.Options.Distance;
        var holes = data.HasMissing; // samples with holes take MaskedOnline's step
        if (holes && distance != DistanceMetric.Euclidean)
        {
            throw new SomOptionsException(nameof(SomOptions.Distance), $"The data have missing values, which only the Euclidean distance can measure; {OptionText.ToText(run.Options.Distance)} needs complete rows (fill them with kohonen impute, or train with --distance euclidean).");
        }

        if (fuse && !holes && distance == DistanceMetric.Euclidean && run.Options.Neighborhood == Neighborhood.Gaussian && SearchPlanner.FusesOnlineStep(dim))
        {
            FusedOnlineTraining.Train(codebook, grid, run, random);
            return;
        }

        if (fuse && WideOnlineTraining.Applies(distance, dim, holes))
        {
            WideOnlineTraining.Train(codebook, grid, run, random);
            return;
        }

        var planes = SearchPlanner.ForChangingCodebookIn(distance, dim) == BmuSearchKind.Planar ? CodebookLayout.ToPlanes(codebook, dim) : null;
        var otherSearch = distance == DistanceMetric.Euclidean ? null : new ChangingDistanceSearch(distance, dim, nodes);
        var table = new NeighborhoodTable(grid, run.Options.Neighborhood);
        var rowSteps = new float[width];
        var rowsPerChunk = Math.Max(1, BmuSearch.ChunkNodes / width);
        var chunks = (grid.Height + rowsPerChunk - 1) / rowsPerChunk;
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var sample = new float[dim];
        var scratch = holes ? new float[nodes] : [];
        var cutoff = run.Options.ExactNeighborhood ? 0f : SomOptions.NeighborhoodCutoff;
        float[] NodeMajor()
        {
            if (planes is not null)
            {
                CodebookLayout.FromPlanes(planes, dim, codebook);
            }

            return codebook;
        }

        var mayDiverge = run.Options.Neighborhood == Neighborhood.MexicanHat;
        run.MeasureAside = threads == 1; // one thread steps through the samples: another measures the history
        for (var t = 0; t < run.Options.Iterations; t++)
        {
            var sigma = run.Schedule.Sigma(t);
            var alpha = run.Schedule.LearningRate(t);
            table.SetSigma(sigma);
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
                if (holes && MissingValues.HasAny(sample))
                {
                    MaskedOnline.Step(codebook, planes, dim, grid, sample, table, alpha, cutoff, scratch, rowSteps);
                    continue;
                }

                var bmu = otherSearch is not null ? otherSearch.FindBest(codebook, planes, sample, threads)
                    : planes is null
                    ? BmuSearch.FindBest(codebook, dim, sample, threads, out _)
                    : BmuSearch.FindBestPlanar(planes, nodes, sample, threads, out _);
                table.Prepare(bmu);
                if (threads == 1)
                {
                    UpdateRows(codebook, planes, dim, width, nodes, sample, table, alpha, cutoff, bmu % width, 0, grid.Height, rowSteps);
                }
                else
                {
                    Parallel.For(0, chunks, parallelOptions, c =>
                    {
                        Span<float> steps = width <= 4096 ? stackalloc float[width] : new float[width];
                        var first = c * rowsPerChunk;
                        UpdateRows(codebook, planes, dim, width, nodes, sample, table, alpha, cutoff, bmu % width, first, Math.Min(grid.Height, first + rowsPerChunk), steps);
                    });
                }
            }

            // Only the Mexican hat can diverge: with 0 ≤ αθ ≤ 1 every other neighbourhood moves a weight
            // to a point between itself and the sample, so weights stay within the data's range.
            if (mayDiverge && !AllFinite(planes ?? codebook))
            {
                throw new TrainingDivergedException(t + 1, run.Options);
            }

            run.Report(t, NodeMajor, sigma, alpha);
        }

        NodeMajor();
    }

    /// <summary>0, 1, …, length − 1: the samples in stored order.</summary>
    internal static int[] Identity(int length)
    {
        var order = new int[length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        return order;
    }

    /// <summary>Moves the nodes of grid rows [firstRow, endRow) towards the sample: along each row
    /// of a planar codebook feature by feature, else node by node.</summary>
    private static void UpdateRows(float[] codebook, float[]? planes, int dim, int width, int nodes, float[] sample,
        NeighborhoodTable table, double alpha, float cutoff, int bmuColumn, int firstRow, int endRow, Span<float> steps)
    {
        for (var y = firstRow; y < endRow; y++)
        {
            var rowStart = y * width;
            if (planes is not null && table.Kind == Neighborhood.Gaussian)
            {
                // Fused: the steps never leave registers. Same bits as FillRow + ApplyPlanar.
                var rowScale = (float)(alpha * table.GaussianColumnFactor(y));
                if (rowScale != 0 && rowScale >= cutoff)
                {
                    UpdateGaussianRow(planes, nodes, width, table.Toroidal, rowStart, bmuColumn, table.GaussianRowFactors(y), rowScale, cutoff, sample);
                }

                continue;
            }

            if (!table.FillRow(y, alpha, steps))
            {
                continue;
            }

            if (cutoff > 0)
            {
                // Steps whose size is below the cut-off become 0 (the Mexican hat's are negative in its
                // outer ring: the size counts): ApplyPlanar leaves such weights as they are, and the
                // node-by-node loop below skips them.
                for (var x = 0; x < width; x++)
                {
                    if (Math.Abs(steps[x]) < cutoff)
                    {
                        steps[x] = 0;
                    }
                }
            }

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

    /// <summary>
    /// The Gaussian update of one row, limited to the columns whose step rowScale·gx reaches the
    /// cut-off. gx peaks at the BMU's column (on hexagonal rows of the other parity it ties with a
    /// neighbour) and falls with the distance, also across the wrap of a torus, so those columns are
    /// one run around the peak, found by walking out from it: on a torus the run may cross the edge
    /// and is then updated as two pieces. With no cut-off the whole row is updated.
    /// </summary>
    private static void UpdateGaussianRow(float[] planes, int nodes, int width, bool toroidal, int rowStart, int peak, ReadOnlySpan<float> gx, float rowScale, float cutoff, float[] sample)
    {
        if (cutoff <= 0)
        {
            WeightUpdate.ApplyPlanarGaussianRow(planes, nodes, rowStart, gx, rowScale, sample);
            return;
        }

        // A column moves when its step rowScale·gx, the float32 product the update uses, reaches the
        // cut-off: the fused step's rule, node for node. (On a hexagonal row of the other parity gx
        // is below 1 even at the peak.)
        if (rowScale * gx[peak] < cutoff)
        {
            return;
        }

        int left = 0, right = 0; // the run is peak − left .. peak + right (modulo width)
        while (left + right + 1 < width && (toroidal || peak - left - 1 >= 0) && rowScale * gx[Wrap(peak - left - 1, width)] >= cutoff)
        {
            left++;
        }

        while (left + right + 1 < width && (toroidal || peak + right + 1 < width) && rowScale * gx[Wrap(peak + right + 1, width)] >= cutoff)
        {
            right++;
        }

        var first = peak - left;
        var last = peak + right;
        if (first >= 0 && last < width)
        {
            WeightUpdate.ApplyPlanarGaussianRow(planes, nodes, rowStart + first, gx[first..(last + 1)], rowScale, sample);
            return;
        }

        // Across the edge of a torus: [first + width, width) and [0, last − width] or [first, width) and [0, last].
        var (a, b) = first < 0 ? (first + width, last) : (first, last - width);
        WeightUpdate.ApplyPlanarGaussianRow(planes, nodes, rowStart + a, gx[a..width], rowScale, sample);
        WeightUpdate.ApplyPlanarGaussianRow(planes, nodes, rowStart, gx[..(b + 1)], rowScale, sample);
    }

    private static int Wrap(int x, int width) => x < 0 ? x + width : x >= width ? x - width : x;

    /// <summary>Whether every weight is finite: one pass over the codebook (per iteration, and only for
    /// the Mexican hat, whose negative steps can make weights grow without bound).</summary>
    internal static bool AllFinite(ReadOnlySpan<float> weights)
    {
        var sum = 0f;
        foreach (var w in weights)
        {
            sum += w * 0f; // NaN or ±∞ makes the product, and so the sum, NaN
        }

        return !float.IsNaN(sum);
    }
}
