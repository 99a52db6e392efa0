using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Kohonen.Kernels;
using Kohonen.Maps;

namespace Kohonen.Training;

/// <summary>
/// Kohonen's batch map. Per epoch e = 0..T−1 with radius σₑ: every sample goes to its BMU (ties to
/// the lowest index); with Sᶜ the sum and nᶜ the count of the samples of node c, every node k becomes
/// W_k = Σ_c θ(d(k,c), σₑ)·Sᶜ / Σ_c θ(d(k,c), σₑ)·nᶜ, the neighbourhood-weighted mean of the samples.
/// A node whose denominator is 0 (no sample within reach) keeps its weights. There is no learning
/// rate.
/// </summary>
/// <remarks>
/// Deterministic with any number of threads: BMUs are found per sample (from 8 features on as a
/// blocked matrix product, <see cref="BlockedBmuSearch"/>), the sums are accumulated in sample order
/// in double precision, and each node sums over c in ascending order.
/// </remarks>
internal static class BatchTrainer
{
    private const int RowsPerChunk = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Train(float[] codebook, Grid grid, TrainingRun run)
    {
        var data = run.Rows;
        var dim = data.Columns;
        var nodes = grid.NodeCount;
        var width = grid.Width;
        int[] bmus = [];
        var sums = new double[(long)nodes * dim];
        var counts = new double[nodes];
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = run.MaxThreads };
        var gridRowsPerChunk = Math.Max(1, BmuSearch.ChunkNodes / width);
        var nodeChunks = (grid.Height + gridRowsPerChunk - 1) / gridRowsPerChunk;

        for (var epoch = 0; epoch < run.Options.Iterations; epoch++)
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            var sigma = run.Schedule.Sigma(epoch);
            Array.Clear(sums);
            Array.Clear(counts);
            var prepared = dim >= BmuSearch.PlanarBelowDimension ? new BlockedBmuSearch.Prepared(codebook, dim) : null;
            var search = prepared is null ? new NearestNode(codebook, dim) : null;

            // The rows in order, a chunk at a time (one chunk when in memory): BMUs in parallel, then
            // the sums in row order, so the sums do not depend on the chunking or the threads.
            foreach (var chunk in data.Chunks())
            {
                if (bmus.Length < chunk.Rows)
                {
                    bmus = new int[chunk.Rows];
                }

                var found = bmus;
                var sampleChunks = (chunk.Rows + RowsPerChunk - 1) / RowsPerChunk;
                if (prepared is not null)
                {
                    // Rows against the whole codebook as a blocked matrix product (the exact BMUs).
                    var values = chunk.RawValues;
                    Parallel.For(0, sampleChunks, parallelOptions, c =>
                    {
                        var start = c * RowsPerChunk;
                        var end = Math.Min(chunk.Rows, start + RowsPerChunk);
                        BlockedBmuSearch.FindBest(prepared, values.AsSpan(start * dim, (end - start) * dim), found.AsSpan(start, end - start));
                    });
                }
                else
                {
                    Parallel.For(0, sampleChunks, parallelOptions, c =>
                    {
                        var end = Math.Min(chunk.Rows, (c + 1) * RowsPerChunk);
                        for (var r = c * RowsPerChunk; r < end; r++)
                        {
                            found[r] = search!.FindBest(chunk.Row(r), out _);
                        }
                    });
                }

                run.CancellationToken.ThrowIfCancellationRequested();
                for (var r = 0; r < chunk.Rows; r++)
                {
                    var b = bmus[r];
                    counts[b] += 1;
                    AddWidened(sums.AsSpan(b * dim, dim), chunk.Row(r));
                }
            }

            var occupied = Enumerable.Range(0, nodes).Where(c => counts[c] > 0).ToArray();
            Parallel.For(0, nodeChunks, parallelOptions, chunk =>
            {
                var firstRow = chunk * gridRowsPerChunk;
                var endRow = Math.Min(grid.Height, firstRow + gridRowsPerChunk);
                Smooth(codebook, grid, run.Options.Neighborhood, sigma, dim, sums, counts, occupied, firstRow, endRow);
            });

            run.Report(epoch, () => codebook, sigma, double.NaN);
        }
    }

    /// <summary>New weights for the nodes of grid rows [firstRow, endRow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Smooth(float[] codebook, Grid grid, Neighborhood kind, double sigma, int dim,
        double[] sums, double[] counts, int[] occupied, int firstRow, int endRow)
    {
        var width = grid.Width;
        var firstNode = firstRow * width;
        var nodeCount = (endRow - firstRow) * width;
        var numerator = new double[nodeCount * dim];
        var denominator = new double[nodeCount];
        var table = new NeighborhoodTable(grid, kind);
        var theta = new float[width];
        foreach (var c in occupied)
        {
            table.Prepare(c, sigma);
            var sum = sums.AsSpan(c * dim, dim);
            for (var y = firstRow; y < endRow; y++)
            {
                if (!table.FillRow(y, 1.0, theta))
                {
                    continue;
                }

                for (var x = 0; x < width; x++)
                {
                    double h = theta[x];
                    if (h == 0)
                    {
                        continue;
                    }

                    var local = ((y * width) + x) - firstNode;
                    denominator[local] += h * counts[c];
                    AddScaled(numerator.AsSpan(local * dim, dim), h, sum);
                }
            }
        }

        for (var local = 0; local < nodeCount; local++)
        {
            if (denominator[local] > 0)
            {
                var weights = codebook.AsSpan((firstNode + local) * dim, dim);
                for (var f = 0; f < dim; f++)
                {
                    weights[f] = (float)(numerator[(local * dim) + f] / denominator[local]);
                }
            }
        }
    }

    /// <summary>target[f] += source[f] (widened to double; exact) for every f, in vectors where the machine has them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddWidened(Span<double> target, ReadOnlySpan<float> source)
    {
        var f = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; f + Vector512<float>.Count <= target.Length; f += Vector512<float>.Count)
            {
                var (low, high) = Vector512.Widen(Vector512.Create(source[f..]));
                var at = target[f..];
                (Vector512.Create((ReadOnlySpan<double>)at) + low).CopyTo(at);
                var next = target[(f + Vector512<double>.Count)..];
                (Vector512.Create((ReadOnlySpan<double>)next) + high).CopyTo(next);
            }
        }

        for (; f < target.Length; f++)
        {
            target[f] += source[f];
        }
    }

    /// <summary>
    /// target[f] += h·source[f] for every f: a multiply, then an add (never fused), in vectors as wide as
    /// the machine has, so each element gets exactly the scalar loop's value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddScaled(Span<double> target, double h, ReadOnlySpan<double> source)
    {
        var f = 0;
        if (Vector512.IsHardwareAccelerated && target.Length >= Vector512<double>.Count)
        {
            var factor = Vector512.Create(h);
            for (; f + Vector512<double>.Count <= target.Length; f += Vector512<double>.Count)
            {
                var at = target[f..];
                (Vector512.Create(source[f..]) * factor + Vector512.Create((ReadOnlySpan<double>)at)).CopyTo(at);
            }
        }
        else if (Vector256.IsHardwareAccelerated && target.Length >= Vector256<double>.Count)
        {
            var factor = Vector256.Create(h);
            for (; f + Vector256<double>.Count <= target.Length; f += Vector256<double>.Count)
            {
                var at = target[f..];
                (Vector256.Create(source[f..]) * factor + Vector256.Create((ReadOnlySpan<double>)at)).CopyTo(at);
            }
        }

        for (; f < target.Length; f++)
        {
            target[f] += h * source[f];
        }
    }
}
