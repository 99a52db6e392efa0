using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// The batch map on rows with missing values (NaN). A row with holes finds its BMU over its present
/// features (<see cref="MaskedBlockedSearch"/>, many rows at once, where the blocked search runs; else
/// <see cref="MaskedSearch"/>, the same BMUs); a complete row through the search it takes without holes.
/// Per node c and feature f the sums Sᶜ_f run over the present values only, with their counts
/// nᶜ_f = nᶜ − (rows of c missing f); node k becomes W_kf = Σ_c θ·Sᶜ_f / Σ_c θ·nᶜ_f, feature by
/// feature, and keeps its weight where that denominator is 0. A row with every value missing is
/// skipped (BMU −1).
/// </summary>
/// <remarks>The sums run in row order and each smoothed sum over its sources in ascending order, as in
/// <see cref="BatchTrainer"/>, so the codebook does not depend on the chunking or the threads.</remarks>
internal static class MaskedBatch
{
    private const int RowsPerBlock = 256;

    /// <summary>
    /// The BMU of every row of a chunk that has missing values: complete rows through
    /// <paramref name="prepared"/> (the blocked search, gathered into blocks) or
    /// <paramref name="search"/>, rows with holes through the masked blocked search of
    /// <paramref name="prepared"/> (gathered the same way) or else the masked scan of the node-major
    /// codebook, rows with every value missing −1. Every search gives the scan's answer, so the BMUs
    /// do not depend on which one runs.
    /// </summary>
    /// <param name="chunk">The rows.</param>
    /// <param name="codebook">The node-major codebook.</param>
    /// <param name="prepared">The blocked search of the codebook, or null.</param>
    /// <param name="search">The row-by-row search, used without <paramref name="prepared"/>.</param>
    /// <param name="found">The BMUs, one per row; with <paramref name="hinted"/>, last epoch's BMUs of
    /// the same rows on entry, which bound the search (the same answers).</param>
    /// <param name="hinted">Whether <paramref name="found"/> holds hints.</param>
    /// <param name="parallelOptions">The threads.</param>
    public static void FindBest(DataMatrix chunk, float[] codebook, BlockedBmuSearch.Prepared? prepared, NearestNode? search, int[] found, bool hinted, ParallelOptions parallelOptions)
    {
        var dim = chunk.Columns;
        var rows = chunk.Rows;
        var values = chunk.RawValues;
        var bmus = new int[rows];
        if (prepared is null)
        {
            var blocks = (rows + RowsPerBlock - 1) / RowsPerBlock;
            Parallel.For(0, blocks, parallelOptions, c =>
            {
                var negated = new float[dim];
                var mask = new float[dim];
                var end = Math.Min(rows, (c + 1) * RowsPerBlock);
                for (var r = c * RowsPerBlock; r < end; r++)
                {
                    var row = values.AsSpan(r * dim, dim);
                    if (!MissingValues.HasAny(row))
                    {
                        bmus[r] = search!.FindBest(row, out _);
                    }
                    else
                    {
                        var present = MaskedDistance.Prepare(row, negated, mask);
                        bmus[r] = present == 0 ? -1 : MaskedSearch.FindBest(codebook, dim, negated, mask, present, out _, hinted ? found[r] : -1);
                    }
                }
            });
        }
        else
        {
            var complete = new List<int>();
            var holed = new List<int>();
            for (var r = 0; r < rows; r++)
            {
                var row = chunk.Row(r);
                if (!MissingValues.HasAny(row))
                {
                    complete.Add(r);
                }
                else if (MissingValues.CountPresent(row) == 0)
                {
                    bmus[r] = -1;
                }
                else
                {
                    holed.Add(r);
                }
            }

            // The rows with holes, then the complete rows, gathered into blocks for the blocked
            // searches (the exact BMUs); last epoch's BMUs as the masked search's hints.
            var holedBlocks = (holed.Count + RowsPerBlock - 1) / RowsPerBlock;
            var completeBlocks = (complete.Count + RowsPerBlock - 1) / RowsPerBlock;
            Parallel.For(0, holedBlocks + completeBlocks, parallelOptions, c =>
            {
                var masked = c < holedBlocks;
                var members = masked ? holed : complete;
                var start = (masked ? c : c - holedBlocks) * RowsPerBlock;
                var count = Math.Min(members.Count, start + RowsPerBlock) - start;
                var gathered = ArrayPool<float>.Shared.Rent(count * dim);
                var best = ArrayPool<int>.Shared.Rent(2 * count);
                for (var i = 0; i < count; i++)
                {
                    values.AsSpan(members[start + i] * dim, dim).CopyTo(gathered.AsSpan(i * dim, dim));
                    best[count + i] = found[members[start + i]];
                }

                var hints = hinted ? best.AsSpan(count, count) : [];
                if (masked)
                {
                    MaskedBlockedSearch.FindBest(prepared, gathered.AsSpan(0, count * dim), best.AsSpan(0, count), hints);
                }
                else
                {
                    BlockedBmuSearch.FindBest(prepared, gathered.AsSpan(0, count * dim), best.AsSpan(0, count), hints);
                }

                for (var i = 0; i < count; i++)
                {
                    bmus[members[start + i]] = best[i];
                }

                ArrayPool<float>.Shared.Return(gathered);
                ArrayPool<int>.Shared.Return(best);
            });
        }

        bmus.CopyTo(found, 0);
    }

    /// <summary>Adds each row to its BMU's sums: present values to Sᶜ, 1 to nᶜ, and 1 to the missing
    /// count of each missing feature; rows with BMU −1 are skipped. Row order.</summary>
    public static void Accumulate(DataMatrix chunk, ReadOnlySpan<int> bmus, double[] sums, double[] counts, double[] missing)
    {
        var dim = chunk.Columns;
        for (var r = 0; r < chunk.Rows; r++)
        {
            var b = bmus[r];
            if (b < 0)
            {
                continue;
            }

            counts[b] += 1;
            AddPresent(sums.AsSpan(b * dim, dim), missing.AsSpan(b * dim, dim), chunk.Row(r));
        }
    }

    /// <summary>sumsᶠ += vᶠ where vᶠ is present, missingᶠ += 1 where it is not: eight features at a
    /// time where the machine has the vectors (a missing value adds +0 to its sum and a present one +0
    /// to its count, which leaves them as they are: a sum that starts at +0 never becomes −0), the same bits as one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddPresent(Span<double> sums, Span<double> missing, ReadOnlySpan<float> row)
    {
        var f = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var rs = ref MemoryMarshal.GetReference(sums);
            ref var rm = ref MemoryMarshal.GetReference(missing);
            ref var rv = ref MemoryMarshal.GetReference(row);
            for (; f + Vector256<float>.Count <= row.Length; f += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref rv, (nuint)f);
                var holes = ~Vector256.Equals(v, v);
                var (low, high) = Vector256.Widen(Vector256.AndNot(v, holes));
                var (lowHoles, highHoles) = Vector256.Widen(Vector256.BitwiseAnd(holes, Vector256<float>.One));
                var at = (nuint)f;
                (Vector256.LoadUnsafe(ref rs, at) + low).StoreUnsafe(ref rs, at);
                (Vector256.LoadUnsafe(ref rs, at + 4) + high).StoreUnsafe(ref rs, at + 4);
                (Vector256.LoadUnsafe(ref rm, at) + lowHoles).StoreUnsafe(ref rm, at);
                (Vector256.LoadUnsafe(ref rm, at + 4) + highHoles).StoreUnsafe(ref rm, at + 4);
            }
        }

        for (; f < row.Length; f++)
        {
            var v = row[f];
            if (float.IsNaN(v))
            {
                missing[f] += 1;
            }
            else
            {
                sums[f] += v;
            }
        }
    }

    /// <summary>The new weights from sums with per-feature counts: the separable form on a Gaussian
    /// rectangular grid, else node by node.</summary>
    public static void Smooth(float[] codebook, Grid grid, Neighborhood kind, double sigma, int dim, double[] sums, double[] counts, double[] missing, ParallelOptions parallelOptions)
    {
        var nodes = grid.NodeCount;
        var present = new double[(long)nodes * dim];
        for (var c = 0; c < nodes; c++)
        {
            for (var f = 0; f < dim; f++)
            {
                present[(c * dim) + f] = counts[c] - missing[(c * dim) + f];
            }
        }

        if (BatchTrainer.IsSeparable(grid, kind))
        {
            SmoothSeparable(codebook, grid, sigma, dim, sums, counts, present, parallelOptions);
            return;
        }

        var occupied = Enumerable.Range(0, nodes).Where(c => counts[c] > 0).ToArray();
        var gridRowsPerChunk = Math.Max(1, BmuSearch.ChunkNodes / grid.Width);
        var nodeChunks = (grid.Height + gridRowsPerChunk - 1) / gridRowsPerChunk;
        Parallel.For(0, nodeChunks, parallelOptions, chunk =>
        {
            var firstRow = chunk * gridRowsPerChunk;
            SmoothRows(codebook, grid, kind, sigma, dim, sums, present, occupied, firstRow, Math.Min(grid.Height, firstRow + gridRowsPerChunk));
        });
    }

    /// <summary>
    /// <see cref="BatchTrainer.SmoothSeparable"/> with a denominator per feature: each node's source is
    /// its sums and its per-feature counts (2·dim values), smoothed along the rows, then the columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SmoothSeparable(float[] codebook, Grid grid, double sigma, int dim, double[] sums, double[] counts, double[] present, ParallelOptions parallelOptions)
    {
        int width = grid.Width, height = grid.Height, span = 2 * dim;
        var table = new NeighborhoodTable(grid, Neighborhood.Gaussian);
        table.SetSigma(sigma);
        var gx = Enumerable.Range(0, width).Select(table.GaussianFactorAcrossColumns).ToArray();
        var gy = Enumerable.Range(0, height).Select(table.GaussianFactorAcrossRows).ToArray();
        var alongRows = new double[(long)width * height * span];
        var rowOccupied = new bool[height];
        Parallel.For(0, height, parallelOptions, yc =>
        {
            var source = new double[span];
            for (var xc = 0; xc < width; xc++)
            {
                var c = (yc * width) + xc;
                if (counts[c] == 0)
                {
                    continue;
                }

                rowOccupied[yc] = true;
                sums.AsSpan(c * dim, dim).CopyTo(source);
                present.AsSpan(c * dim, dim).CopyTo(source.AsSpan(dim));
                for (var xk = 0; xk < width; xk++)
                {
                    var h = gx[Math.Abs(xk - xc)];
                    if (h != 0)
                    {
                        BatchTrainer.AddScaled(alongRows.AsSpan(((yc * width) + xk) * span, span), h, source);
                    }
                }
            }
        });

        Parallel.For(0, height, parallelOptions, yk =>
        {
            var row = new double[width * span];
            for (var yc = 0; yc < height; yc++)
            {
                var h = gy[Math.Abs(yk - yc)];
                if (rowOccupied[yc] && h != 0)
                {
                    BatchTrainer.AddScaled(row, h, alongRows.AsSpan(yc * width * span, width * span));
                }
            }

            for (var xk = 0; xk < width; xk++)
            {
                Divide(codebook.AsSpan(((yk * width) + xk) * dim, dim), row.AsSpan(xk * span, dim), row.AsSpan((xk * span) + dim, dim));
            }
        });
    }

    /// <summary>New weights for the nodes of grid rows [firstRow, endRow), node by node.</summary>
    private static void SmoothRows(float[] codebook, Grid grid, Neighborhood kind, double sigma, int dim,
        double[] sums, double[] present, int[] occupied, int firstRow, int endRow)
    {
        var width = grid.Width;
        var firstNode = firstRow * width;
        var nodeCount = (endRow - firstRow) * width;
        var numerator = new double[nodeCount * dim];
        var denominator = new double[nodeCount * dim];
        var table = new NeighborhoodTable(grid, kind);
        var theta = new float[width];
        foreach (var c in occupied)
        {
            table.Prepare(c, sigma);
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
                    BatchTrainer.AddScaled(numerator.AsSpan(local * dim, dim), h, sums.AsSpan(c * dim, dim));
                    BatchTrainer.AddScaled(denominator.AsSpan(local * dim, dim), h, present.AsSpan(c * dim, dim));
                }
            }
        }

        for (var local = 0; local < nodeCount; local++)
        {
            Divide(codebook.AsSpan((firstNode + local) * dim, dim), numerator.AsSpan(local * dim, dim), denominator.AsSpan(local * dim, dim));
        }
    }

    /// <summary>wᶠ = numeratorᶠ / denominatorᶠ where the denominator is positive; else wᶠ stays.</summary>
    private static void Divide(Span<float> weights, ReadOnlySpan<double> numerator, ReadOnlySpan<double> denominator)
    {
        for (var f = 0; f < weights.Length; f++)
        {
            if (denominator[f] > 0)
            {
                weights[f] = (float)(numerator[f] / denominator[f]);
            }
        }
    }
}
