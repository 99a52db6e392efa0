using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// Kohonen's batch map. Per epoch e = 0..T−1 with radius σₑ: every sample goes to its BMU (ties to
/// the lowest index); with Sᶜ the sum and nᶜ the count of the samples of node c, every node k becomes
/// W_k = Σ_c θ(d(k,c), σₑ)·Sᶜ / Σ_c θ(d(k,c), σₑ)·nᶜ, the neighbourhood-weighted mean of the samples.
/// A node whose denominator is 0 (no sample within reach) keeps its weights. There is no learning
/// rate.
/// </summary>
/// <remarks>
/// Deterministic with any number of threads: BMUs are found per sample by the search
/// <see cref="SearchPlanner"/> picks (from 8 features on, where the processor has the vectors, as a
/// blocked matrix product, <see cref="BlockedBmuSearch"/>, which for data in memory takes last
/// epoch's BMUs as hints to pass over nodes too far to be a BMU, with the same answers; otherwise
/// <see cref="NearestNode"/>, row by row), the sums
/// are accumulated in sample order in double precision, and each node's smoothed sums run over
/// their sources in ascending order. The Gaussian on a rectangular grid is smoothed in its separable
/// form, a row pass and then a column pass (<see cref="SeparableSmoothing"/>); every other case node by
/// node (<see cref="Smooth"/>).
/// </remarks>
internal static class BatchTrainer
{
    private const int RowsPerChunk = 256;

    /// <param name="codebook">The initial codebook, node-major; trained in place.</param>
    /// <param name="grid">The map's grid.</param>
    /// <param name="run">Data, options, schedule, threads, progress.</param>
    /// <param name="planned">Whether the search planner picks the BMU search (tests turn it off to
    /// search row by row, which gives the same bits).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Train(float[] codebook, Grid grid, TrainingRun run, bool planned = true)
    {
        var data = run.Rows;
        var dim = data.Columns;
        var nodes = grid.NodeCount;
        int[] bmus = [];
        var sums = new double[(long)nodes * dim];
        var counts = new double[nodes];
        double[]? missing = null; // per node and feature, the rows missing it (made at the first hole)
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = run.MaxThreads };
        var inMemory = data.Whole is not null; // one chunk, so each row's BMU stays at its place in bmus
        var plan = Plan(dim, nodes, data.Rows, planned);

        // Made once per training: the search's layout (refilled each epoch), the smoothing's buffers
        // and, for rows in memory, whether they have holes (they do not change between epochs).
        EpochSearch? search = null;
        var separable = IsSeparable(grid, run.Options.Neighborhood) ? new SeparableSmoothing(grid, dim) : null;
        var holes = data.Whole is { } whole ? whole.HasMissing : (bool?)null;
        var norms = holes == false && plan == BmuSearchKind.Blocked && run.Options.Distance == DistanceMetric.Euclidean ? RowNorms(data.Whole!) : null;

        for (var epoch = 0; epoch < run.Options.Iterations; epoch++)
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            var sigma = run.Schedule.Sigma(epoch);
            Array.Clear(sums);
            Array.Clear(counts);
            if (missing is not null)
            {
                Array.Clear(missing);
            }

            search = search is null ? new EpochSearch(codebook, dim, plan, run.Options.Distance) : search.Next();

            // The rows in order, a chunk at a time (one chunk when in memory): BMUs in parallel, then
            // the sums in row order, so the sums do not depend on the chunking or the threads.
            foreach (var chunk in data.Chunks())
            {
                if (bmus.Length < chunk.Rows)
                {
                    bmus = new int[chunk.Rows];
                }

                if (holes ?? MissingValues.HasAny(chunk.Values))
                {
                    if (search.Measured is not null)
                    {
                        throw new SomOptionsException(nameof(SomOptions.Distance), $"The data have missing values, which only the Euclidean distance can measure; {OptionText.ToText(run.Options.Distance)} needs complete rows (fill them with kohonen impute, or train with --distance euclidean).");
                    }

                    // Rows with holes: BMUs over their present features, sums per feature.
                    missing ??= new double[(long)nodes * dim];
                    MaskedBatch.FindBest(chunk, codebook, search.Blocked, search.RowByRow, bmus, epoch > 0 && inMemory, parallelOptions);
                    run.CancellationToken.ThrowIfCancellationRequested();
                    MaskedBatch.Accumulate(chunk, bmus, sums, counts, missing);
                    continue;
                }

                // Data in one chunk keeps last epoch's BMUs in place, and they serve as hints.
                FindBmus(search, chunk, bmus, epoch > 0 && inMemory, parallelOptions, norms);
                run.CancellationToken.ThrowIfCancellationRequested();
                AddRows(chunk, bmus, sums, counts, parallelOptions);
            }

            if (missing is not null)
            {
                MaskedBatch.Smooth(codebook, grid, run.Options.Neighborhood, sigma, dim, sums, counts, missing, parallelOptions);
            }
            else if (separable is not null)
            {
                separable.Smooth(codebook, sigma, sums, counts, parallelOptions);
            }
            else
            {
                SmoothInto(codebook, grid, run.Options.Neighborhood, sigma, sums, counts, parallelOptions);
            }

            run.Report(epoch, () => codebook, sigma, double.NaN);
        }
    }

    /// <summary>The BMU search an epoch uses for <paramref name="rows"/> rows at a time (the planner's
    /// choice, or row by row when <paramref name="planned"/> is false).</summary>
    internal static BmuSearchKind Plan(int dim, int nodes, int rows, bool planned = true) =>
        planned ? SearchPlanner.ForFixedCodebook(dim, nodes, Math.Min(RowsPerChunk, rows)) : SearchPlanner.ForOneRow(dim);

    /// <summary>
    /// The first half of an epoch for a range of rows (a chunk on one machine, a partition on a
    /// cluster): each row's BMU against the epoch's codebook, in parallel, into
    /// <paramref name="bmus"/>[0..rows). With <paramref name="hinted"/>, <paramref name="bmus"/> holds
    /// these rows' BMUs of the previous epoch, which let the blocked search pass over nodes too far
    /// to be a BMU (the same answers). <paramref name="norms"/>, when given, holds ‖x‖² of each row
    /// (<see cref="RowNorms"/>), for the blocked search to use instead of summing them again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FindBmus(EpochSearch search, DataMatrix rows, int[] bmus, bool hinted, ParallelOptions parallelOptions, float[]? norms = null)
    {
        var dim = rows.Columns;
        var count = rows.Rows;
        var sampleChunks = (count + RowsPerChunk - 1) / RowsPerChunk;
        if (search.Measured is { } measured)
        {
            // Another distance: its own search, a block of rows at a time (DistanceSearch).
            var values = rows.RawValues;
            Parallel.For(0, sampleChunks, parallelOptions, c =>
            {
                var start = c * RowsPerChunk;
                var end = Math.Min(count, start + RowsPerChunk);
                Span<float> distances = stackalloc float[RowsPerChunk];
                measured.FindBest(values.AsSpan(start * dim, (end - start) * dim), bmus.AsSpan(start, end - start), distances);
            });
        }
        else if (search.Blocked is { } prepared)
        {
            // Rows against the whole codebook as a blocked matrix product (the exact BMUs).
            var values = rows.RawValues;
            Parallel.For(0, sampleChunks, parallelOptions, c =>
            {
                var start = c * RowsPerChunk;
                var end = Math.Min(count, start + RowsPerChunk);
                var rowBmus = bmus.AsSpan(start, end - start);
                BlockedBmuSearch.FindBest(prepared, values.AsSpan(start * dim, (end - start) * dim), rowBmus, hinted ? rowBmus : [],
                    norms is null ? [] : norms.AsSpan(start, end - start));
            });
        }
        else
        {
            var nearest = search.RowByRow!;
            Parallel.For(0, sampleChunks, parallelOptions, c =>
            {
                var end = Math.Min(count, (c + 1) * RowsPerChunk);
                for (var r = c * RowsPerChunk; r < end; r++)
                {
                    bmus[r] = nearest.FindBest(rows.Row(r), out _);
                }
            });
        }
    }

    /// <summary>‖x‖² of every row (<see cref="BlockedBmuSearch.RowNorm"/>), for
    /// <see cref="FindBmus"/> to search the same rows epoch after epoch without summing them again.</summary>
    internal static float[] RowNorms(DataMatrix rows)
    {
        var norms = new float[rows.Rows];
        for (var r = 0; r < rows.Rows; r++)
        {
            norms[r] = BlockedBmuSearch.RowNorm(rows.Row(r));
        }

        return norms;
    }

    /// <summary>
    /// The second half: adds each row to the sum of its BMU and 1 to its count, one row after the
    /// other in row order, onto whatever <paramref name="sums"/> and <paramref name="counts"/> already
    /// hold. A double sum depends on its order, so the rows of an epoch must arrive in file order onto
    /// one running sum (zero at the epoch's start) for the same bits: ranges of rows are carried on,
    /// not summed apart and added.
    /// </summary>
    internal static void AddRows(DataMatrix rows, int[] bmus, double[] sums, double[] counts) =>
        AddRowRange(rows, bmus, sums, counts, 0, rows.Columns, true);

    /// <summary>
    /// <see cref="AddRows(DataMatrix, int[], double[], double[])"/> with the features split among the
    /// threads when the rows are many: each thread carries its own features of every row, one row
    /// after the other in row order, so every sum gets the same additions in the same order, and the
    /// same bits, whatever the threads.
    /// </summary>
    internal static void AddRows(DataMatrix rows, int[] bmus, double[] sums, double[] counts, ParallelOptions parallelOptions)
    {
        var dim = rows.Columns;
        var threads = parallelOptions.MaxDegreeOfParallelism > 0 ? parallelOptions.MaxDegreeOfParallelism : Environment.ProcessorCount;
        var parts = (long)rows.Rows * dim < ParallelAdditions ? 1 : Math.Min(threads, dim / FeaturesPerPart);
        if (parts <= 1)
        {
            AddRowRange(rows, bmus, sums, counts, 0, dim, true);
            return;
        }

        Parallel.For(0, parts, parallelOptions, p =>
            AddRowRange(rows, bmus, sums, counts, p * dim / parts, (p + 1) * dim / parts, p == 0));
    }

    /// <summary>Additions below this many (rows × features) are not worth a second thread.</summary>
    private const long ParallelAdditions = 1 << 19;

    /// <summary>The least features a thread of <see cref="AddRows(DataMatrix, int[], double[], double[], ParallelOptions)"/> carries.</summary>
    private const int FeaturesPerPart = 16;

    /// <summary>Features [first, end) of every row onto the sums of its BMU, in row order; and the
    /// counts, when <paramref name="withCounts"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRowRange(DataMatrix rows, int[] bmus, double[] sums, double[] counts, int first, int end, bool withCounts)
    {
        var dim = rows.Columns;
        var values = rows.RawValues;
        for (var r = 0; r < rows.Rows; r++)
        {
            var b = bmus[r];
            if (withCounts)
            {
                counts[b] += 1;
            }

            AddWidened(sums.AsSpan((b * dim) + first, end - first), values.AsSpan((r * dim) + first, end - first));
        }
    }

    /// <summary>The end of an epoch: the neighbourhood-weighted means of the sums become the codebook
    /// (a node with no sample within reach keeps its weights), separable where it can be.</summary>
    internal static void SmoothInto(float[] codebook, Grid grid, Neighborhood kind, double sigma, double[] sums, double[] counts, ParallelOptions parallelOptions)
    {
        var dim = sums.Length / grid.NodeCount;
        if (IsSeparable(grid, kind))
        {
            new SeparableSmoothing(grid, dim).Smooth(codebook, sigma, sums, counts, parallelOptions);
            return;
        }

        var gridRowsPerChunk = Math.Max(1, BmuSearch.ChunkNodes / grid.Width);
        var nodeChunks = (grid.Height + gridRowsPerChunk - 1) / gridRowsPerChunk;
        var occupied = Enumerable.Range(0, grid.NodeCount).Where(c => counts[c] > 0).ToArray();
        Parallel.For(0, nodeChunks, parallelOptions, chunk =>
        {
            var firstRow = chunk * gridRowsPerChunk;
            var endRow = Math.Min(grid.Height, firstRow + gridRowsPerChunk);
            Smooth(codebook, grid, kind, sigma, dim, sums, counts, occupied, firstRow, endRow);
        });
    }

    /// <summary>An epoch's search over its codebook: another distance's own search, the blocked
    /// search's prepared codebook, or the row-by-row search (exactly one of the three).</summary>
    internal sealed class EpochSearch(float[] codebook, int dim, BmuSearchKind plan, DistanceMetric distance = DistanceMetric.Euclidean)
    {
        public DistanceSearch? Measured { get; } = distance == DistanceMetric.Euclidean ? null : new DistanceSearch(codebook, dim, distance);

        public BlockedBmuSearch.Prepared? Blocked { get; } = distance == DistanceMetric.Euclidean && plan == BmuSearchKind.Blocked ? new BlockedBmuSearch.Prepared(codebook, dim) : null;

        public NearestNode? RowByRow { get; } = distance == DistanceMetric.Euclidean && plan != BmuSearchKind.Blocked ? new NearestNode(codebook, dim) : null;

        /// <summary>The search over the codebook's new weights (after an epoch moved them): the
        /// blocked layout refilled in place, without allocating; the others made anew.</summary>
        public EpochSearch Next()
        {
            if (Blocked is { } prepared)
            {
                prepared.Refill();
                return this;
            }

            return new EpochSearch(codebook, dim, plan, distance);
        }
    }

    /// <summary>Whether the smoothing of this grid and neighbourhood is separable: the Gaussian on a
    /// rectangular grid, flat or toroidal, where θ = exp(−(dx² + dy²)/2σ²) = gx(dx)·gy(dy) with each
    /// axis distance taken the shorter way round on a torus. (Hexagonal rows are offset by half a cell,
    /// and the other neighbourhoods are not products.)</summary>
    internal static bool IsSeparable(Grid grid, Neighborhood kind) => kind == Neighborhood.Gaussian && grid.Topology == Topology.Rectangular;

    /// <summary>The new weights by the separable form of the smoothing, once (a training smooths with
    /// one <see cref="SeparableSmoothing"/> every epoch).</summary>
    internal static void SmoothSeparable(float[] codebook, Grid grid, double sigma, int dim, double[] sums, double[] counts, ParallelOptions parallelOptions) =>
        new SeparableSmoothing(grid, dim).Smooth(codebook, sigma, sums, counts, parallelOptions);

    /// <summary>
    /// The separable form of the smoothing, with its buffers made once for a grid and a dimension
    /// (a training makes one and smooths every epoch with it): first along each grid row,
    /// T(yc, xk) = Σ_xc gx(xk − xc)·(S, n)(yc, xc), then along each column,
    /// N(yk, xk) = Σ_yc gy(yk − yc)·T(yc, xk), numerators and denominator alike, in double precision;
    /// nodes·(width + height)·(dim + 1) multiply-adds instead of occupied nodes·nodes·(dim + 1). Equal to
    /// <see cref="Smooth"/> in real arithmetic; its θ are the double products gx·gy instead of a
    /// float32 θ, so the weights agree to float32 rounding. Each sum runs over its source in ascending
    /// order, whatever the threads. A node whose denominator is 0 keeps its weights. A factor that is
    /// 0 (beyond the Gaussian's reach in double precision) adds nothing and is passed over.
    /// </summary>
    internal sealed class SeparableSmoothing
    {
        /// <summary>Below this many multiply-adds a smoothing runs on the calling thread: a hand-off
        /// to another thread would cost more than it saves.</summary>
        private const long ParallelWork = 1 << 22;

        private readonly Grid _grid;
        private readonly int _dim;
        private readonly NeighborhoodTable _table;
        private readonly double[] _gx, _gy;
        private readonly double[] _alongRows, _smoothed;
        private readonly bool[] _rowOccupied;

        /// <param name="grid">A rectangular grid (see <see cref="IsSeparable"/>).</param>
        /// <param name="dim">Features per node.</param>
        public SeparableSmoothing(Grid grid, int dim)
        {
            _grid = grid;
            _dim = dim;
            _table = new NeighborhoodTable(grid, Neighborhood.Gaussian);
            _gx = new double[grid.Width];
            _gy = new double[grid.Height];
            _alongRows = new double[(long)grid.NodeCount * (dim + 1)];
            _smoothed = new double[(long)grid.NodeCount * (dim + 1)];
            _rowOccupied = new bool[grid.Height];
        }

        /// <summary>The new weights from the sums and counts of an epoch, for radius
        /// <paramref name="sigma"/>, into <paramref name="codebook"/>.</summary>
        public void Smooth(float[] codebook, double sigma, double[] sums, double[] counts, ParallelOptions parallelOptions)
        {
            int width = _grid.Width, height = _grid.Height;
            _table.SetSigma(sigma);
            for (var x = 0; x < width; x++)
            {
                _gx[x] = _table.GaussianFactorAcrossColumns(x);
            }

            for (var y = 0; y < height; y++)
            {
                _gy[y] = _table.GaussianFactorAcrossRows(y);
            }

            var work = (long)_grid.NodeCount * (width + height) * (_dim + 1);
            if (work < ParallelWork || parallelOptions.MaxDegreeOfParallelism == 1)
            {
                for (var yc = 0; yc < height; yc++)
                {
                    AlongRow(yc, sums, counts);
                }

                for (var yk = 0; yk < height; yk++)
                {
                    AlongColumn(yk, codebook);
                }

                return;
            }

            Parallel.For(0, height, parallelOptions, yc => AlongRow(yc, sums, counts));
            Parallel.For(0, height, parallelOptions, yk => AlongColumn(yk, codebook));
        }

        /// <summary>Grid row <paramref name="yc"/>'s sums and counts spread along the row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AlongRow(int yc, double[] sums, double[] counts)
        {
            int width = _grid.Width, dim = _dim, span = dim + 1;
            var target = _alongRows.AsSpan(yc * width * span, width * span);
            target.Clear();
            var occupied = false;
            for (var xc = 0; xc < width; xc++)
            {
                var c = (yc * width) + xc;
                var count = counts[c];
                if (count == 0)
                {
                    continue; // an empty node adds nothing: its sums are 0
                }

                occupied = true;
                var sum = sums.AsSpan(c * dim, dim);
                for (var xk = 0; xk < width; xk++)
                {
                    var h = _gx[Math.Abs(xk - xc)];
                    if (h != 0)
                    {
                        var at = target.Slice(xk * span, span);
                        AddScaled(at[..dim], h, sum);
                        at[dim] += h * count;
                    }
                }
            }

            _rowOccupied[yc] = occupied;
        }

        /// <summary>The column pass for grid row <paramref name="yk"/>, and its nodes' new weights.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AlongColumn(int yk, float[] codebook)
        {
            int width = _grid.Width, height = _grid.Height, dim = _dim, span = dim + 1;
            var row = _smoothed.AsSpan(yk * width * span, width * span);
            row.Clear();
            for (var yc = 0; yc < height; yc++)
            {
                var h = _gy[Math.Abs(yk - yc)];
                if (_rowOccupied[yc] && h != 0)
                {
                    AddScaled(row, h, _alongRows.AsSpan(yc * width * span, width * span));
                }
            }

            for (var xk = 0; xk < width; xk++)
            {
                var at = xk * span;
                var denominator = row[at + dim];
                if (denominator > 0)
                {
                    var weights = codebook.AsSpan(((yk * width) + xk) * dim, dim);
                    for (var f = 0; f < dim; f++)
                    {
                        weights[f] = (float)(row[at + f] / denominator);
                    }
                }
            }
        }
    }

    /// <summary>New weights for the nodes of grid rows [firstRow, endRow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Smooth(float[] codebook, Grid grid, Neighborhood kind, double sigma, int dim,
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
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; f + Vector256<float>.Count <= target.Length; f += Vector256<float>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(source[f..]));
                var at = target[f..];
                (Vector256.Create((ReadOnlySpan<double>)at) + low).CopyTo(at);
                var next = target[(f + Vector256<double>.Count)..];
                (Vector256.Create((ReadOnlySpan<double>)next) + high).CopyTo(next);
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
