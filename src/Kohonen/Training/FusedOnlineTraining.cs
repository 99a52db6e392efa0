using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// Online training with the Gaussian and few features (<see cref="FusedOnlineStep.IsSupported"/>):
/// every sample's update is fused with the next sample's search, so the codebook is read once a
/// sample. The samples, their order and the random draws are those of the unfused loop: the next
/// iteration's order is drawn when its first sample is needed, at the last sample of the one before.
/// </summary>
/// <remarks>
/// On maps of at least <see cref="TwoThreadNodes"/> nodes, with two threads allowed, the step is
/// split by grid rows: the calling thread does the lower half, a worker the upper half, and they
/// meet once a sample, when the halves' best nodes are compared (the lower half wins a tie, as its
/// indices are lower). A step is microseconds long, too short to hand to the thread pool, so the
/// worker waits by spinning, and by yielding once a wait grows long (while the caller measures the
/// map between iterations, say). Each node's arithmetic is the same either way, so the codebook is
/// the same, bit for bit, on one thread or two, so the training may choose per iteration: every
/// <see cref="ProbeEvery"/> iterations it times one iteration on the calling thread alone and one
/// on both (after one that wakes the worker), and runs the rest of the window the faster way. On a machine whose other core is
/// busy (a build, a browser) a handoff waits for the worker to get a processor back, and two threads
/// were three times slower than one (the colour demo right after <c>dotnet run</c>'s build: 0.75–0.84
/// s against 0.22–0.29 s). The per-sample code is compiled optimised at once
/// (AggressiveOptimization on the loops, the rest inlined into them): left to tiered compilation, a
/// short training ran its first thousands of steps unoptimised.
/// </remarks>
internal sealed class FusedOnlineTraining : IDisposable
{
    /// <summary>Nodes from which a step is split across two threads. Measured on the 2-core VM of
    /// docs/performance.md, 3 features: a 100×100 map trains 20–30 % faster on two, a 50×50 one the
    /// same, a 30×30 one 40 % slower (a handoff there costs about as much as half a step).</summary>
    public const int TwoThreadNodes = 4096;

    /// <summary>Nodes up to which a rectangular map is laid out as one row of all its nodes, with a
    /// table of the BMUs' steps (see <see cref="FillFlatSteps"/>): a short grid row is mostly padding
    /// (a 10-node row is 16 lanes of 256-bit vectors) and its per-row work dominates a small map's
    /// step. The table holds nodes² floats: 256 KiB at this size.</summary>
    public const int FlatNodes = 256;

    /// <summary>Iterations between two timings of one thread against two (see <see cref="Run"/>).</summary>
    private const int ProbeEvery = 32;

    /// <summary>Empty polls of a handoff counter before the waiting thread starts yielding.</summary>
    private const int SpinsBeforeYield = 1 << 14;

    /// <summary>Yields after which a wait is long (the caller is measuring the map, say): from there
    /// the waiting thread sleeps between polls.</summary>
    private const int YieldsBeforeSleep = 1 << 12;

    private readonly RowPlanes _planes;
    private readonly NeighborhoodTable _table;
    private readonly float[] _rowScales;
    private readonly DataMatrix _data;

    /// <summary>The data's values, row after row (a row's span taken without a call).</summary>
    private readonly float[] _values;

    /// <summary>Each node's column and row: table look-ups instead of two divisions on the way from
    /// one sample's BMU to the next step, which cannot start before them.</summary>
    private readonly int[] _columnOf, _rowOf;
    private readonly float _cutoff;

    /// <summary>The cut-off the rectangular step checks node by node this iteration: 0 when no node's
    /// step can fall below it (see <see cref="NeighborhoodTable.SetCentredScales"/>).</summary>
    private float _rectangularCutoff;

    /// <summary>On a hexagonal grid, the sample's x factors of the even and odd rows and the cut-off
    /// its step checks node by node (see <see cref="CentreHexagonal"/>).</summary>
    private readonly float[] _hexagonalEven, _hexagonalOdd;
    private float _hexagonalCutoff;
    private readonly bool _rectangular;

    /// <summary>Whether the map is laid out as one row (<see cref="FlatNodes"/>); then
    /// <see cref="_flatSteps"/> holds, for BMU b, the steps of every node from b·Stride, filled for
    /// this iteration where <see cref="_flatStepsIteration"/>[b] is <see cref="_iteration"/>.</summary>
    private readonly bool _flat;
    private readonly Memory<float> _flatSteps;
    private readonly int[] _flatStepsIteration;
    private readonly int _gridWidth;
    private int _iteration;

    /// <summary>Whether this iteration fills BMUs' steps when a step first needs them (fewer samples
    /// than nodes) rather than all at its start.</summary>
    private bool _fillStepsOnDemand;

    /// <summary>The one row's scale: the steps are whole in the table, and 1·h = h exactly.</summary>
    private static readonly float[] UnitRowScale = [1f];
    private readonly int _split;
    private readonly Thread? _worker;

    // The handoff. The caller writes the step's inputs, then its number (a release); the worker reads
    // the number (an acquire), then the inputs; its answer comes back the same way. Each direction
    // has a cache line of its own, so that the two threads do not write to the same line.
    private Handoff _post, _answer;
    private Exception? _workerError;
    private volatile bool _stopping;

    private FusedOnlineTraining(float[] codebook, Grid grid, TrainingRun run, int lanes)
    {
        _data = run.Data;
        _rectangular = grid.Topology == Topology.Rectangular;
        _flat = _rectangular && grid.NodeCount <= FlatNodes;
        _planes = _flat
            ? new RowPlanes(codebook, grid.NodeCount, 1, _data.Columns, lanes)
            : new RowPlanes(codebook, grid.Width, grid.Height, _data.Columns, lanes);
        _flatSteps = _flat ? AlignedBuffer.Allocate(grid.NodeCount * _planes.Stride) : Memory<float>.Empty;
        _gridWidth = grid.Width;
        _flatStepsIteration = new int[_flat ? grid.NodeCount : 0];
        _flatStepsIteration.AsSpan().Fill(-1);
        _values = _data.RawValues;
        _columnOf = new int[grid.NodeCount];
        _rowOf = new int[grid.NodeCount];
        for (var k = 0; k < grid.NodeCount; k++)
        {
            (_columnOf[k], _rowOf[k]) = grid.CoordinatesOf(k);
        }

        _table = new NeighborhoodTable(grid, Neighborhood.Gaussian, _planes.Stride);
        _rowScales = new float[grid.Height];
        _hexagonalEven = new float[_planes.Stride];
        _hexagonalOdd = new float[_planes.Stride];
        _cutoff = run.Options.ExactNeighborhood ? 0f : SomOptions.NeighborhoodCutoff;
        _split = grid.Height;
        if (!_flat && run.MaxThreads >= 2 && Environment.ProcessorCount >= 2 && grid.NodeCount >= TwoThreadNodes && grid.Height >= 2)
        {
            _split = grid.Height / 2;
            _worker = new Thread(WorkOnUpperRows) { IsBackground = true, Name = "Kohonen fused online step" };
            _worker.Start();
        }
    }

    /// <param name="codebook">The initial codebook, node-major; trained in place.</param>
    /// <param name="grid">The map's grid.</param>
    /// <param name="run">Data, options, schedule, threads, progress.</param>
    /// <param name="random">The random stream (shuffling).</param>
    /// <param name="lanes">The vector width in floats: 16 (512-bit), 8 (256-bit) or 4 (128-bit); 0 for the widest
    /// this machine runs. Either gives the same codebook, bit for bit.</param>
    public static void Train(float[] codebook, Grid grid, TrainingRun run, SomRandom random, int lanes = 0)
    {
        lanes = lanes == 0 ? VectorWidths.PreferredLanes : lanes;
        Debug.Assert(VectorWidths.Runs(lanes));
        using var training = new FusedOnlineTraining(codebook, grid, run, lanes);
        training.Run(codebook, run, random);
    }

    public void Dispose()
    {
        if (_worker is not null)
        {
            _stopping = true;
            _worker.Join();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(float[] codebook, TrainingRun run, SomRandom random)
    {
        var options = run.Options;
        var rows = _data.Rows;
        var order = OnlineTrainer.Identity(rows);
        var nextOrder = options.Shuffle ? new int[rows] : order;
        if (options.Shuffle)
        {
            random.Permutation(order);
        }

        float[] NodeMajor()
        {
            _planes.CopyTo(codebook);
            return codebook;
        }

        var bmu = FusedOnlineStep.FindBest(_planes, _data.Row(order[0]), out _);
        var twoThreads = _worker is not null;
        long oneThreadTicks = 0;
        for (var t = 0; t < options.Iterations; t++)
        {
            // With a worker, each window of ProbeEvery iterations starts by timing one iteration on
            // this thread alone, then runs one on both untimed (the worker may have gone to sleep
            // meanwhile, and waking it is not the cost of a step) and times the next; the faster way
            // runs the rest of the window.
            var probe = _worker is null ? -1 : t % ProbeEvery;
            if (probe == 0)
            {
                twoThreads = false;
            }
            else if (probe == 1)
            {
                twoThreads = true;
            }

            var started = probe is 0 or 2 ? Stopwatch.GetTimestamp() : 0;
            _iteration = t;
            var sigma = run.Schedule.Sigma(t);
            var alpha = run.Schedule.LearningRate(t);
            _table.SetSigma(sigma);
            if (_rectangular)
            {
                _rectangularCutoff = _table.SetCentredScales(alpha, _cutoff, _planes.Stride) ? _cutoff : 0f;
            }

            _fillStepsOnDemand = _flat && rows < _flatStepsIteration.Length;
            if (_flat && !_fillStepsOnDemand)
            {
                // As many samples as nodes: most BMUs' rows will be needed, and filled here they stay
                // off the chain from one sample's BMU to the next step.
                FillAllFlatSteps();
            }

            for (var i = 0; i < rows; i++)
            {
                if ((i & 63) == 0)
                {
                    run.CancellationToken.ThrowIfCancellationRequested();
                }

                int next;
                if (i + 1 < rows)
                {
                    next = order[i + 1];
                }
                else if (t + 1 < options.Iterations)
                {
                    if (options.Shuffle)
                    {
                        random.Permutation(nextOrder);
                    }

                    next = nextOrder[0];
                }
                else
                {
                    next = order[i]; // no sample follows: the search is not used
                }

                if (!_rectangular)
                {
                    CentreHexagonal(bmu, alpha);
                }

                bmu = twoThreads ? StepOnTwoThreads(bmu, order[i], next) : Step(bmu, order[i], next, 0, _planes.Height, out _);
            }

            if (probe == 0)
            {
                oneThreadTicks = Stopwatch.GetTimestamp() - started;
            }
            else if (probe == 2)
            {
                // One timed iteration is a noisy sample: two threads stay unless clearly slower.
                twoThreads = Stopwatch.GetTimestamp() - started < oneThreadTicks * 5 / 4;
            }

            (order, nextOrder) = (nextOrder, order);
            run.Report(t, NodeMajor, sigma, alpha);
        }

        NodeMajor();
    }

    /// <summary>
    /// The one-row layout's steps around every BMU for this iteration. They are filled all at
    /// the iteration's start when it has at least as many samples as nodes, else each the first time a
    /// step needs it (an iteration of few samples then costs a row of the table per sample, not all
    /// nodes² of it). Node k's factor rowScale(y_k − y_b)·gx(x_k − x_b), grid row by grid
    /// row, the float32 product the two-dimensional step forms (its row scale 1,
    /// and 1·h = h exactly). The padding past the nodes stays 0. A node of a row that does not move gets
    /// 0, and w + 0·(v − w) = w: the same weights (a weight of −0 may become +0).
    /// </summary>
    private void FillAllFlatSteps()
    {
        var steps = _flatSteps.Span;
        var stride = _planes.Stride;
        var nodes = _columnOf.Length;
        for (var b = 0; b < nodes; b++)
        {
            var columns = _table.CentredColumns(_columnOf[b]);
            var rowScales = _table.CentredRowScales(_rowOf[b]);
            var row = steps.Slice(b * stride, nodes);
            for (var k = 0; k < nodes; k++)
            {
                row[k] = rowScales[_rowOf[k]] * columns[_columnOf[k]];
            }
        }
    }

    /// <summary><see cref="FillAllFlatSteps"/> for one BMU, marked as filled for this iteration.</summary>
    private void FillFlatSteps(int bmu)
    {
        var steps = _flatSteps.Span.Slice(bmu * _planes.Stride, _planes.Stride);
        var columns = _table.CentredColumns(_columnOf[bmu])[.._gridWidth];
        var rowScales = _table.CentredRowScales(_rowOf[bmu]);
        // Rows of at most 256 nodes: plain loops beat a vector call per grid row here.
        for (var y = 0; y < rowScales.Length; y++)
        {
            var row = steps.Slice(y * columns.Length, columns.Length);
            var scale = rowScales[y];
            for (var x = 0; x < columns.Length; x++)
            {
                row[x] = scale * columns[x];
            }
        }

        _flatStepsIteration[bmu] = _iteration;
    }

    /// <summary>The factors around the BMU on a hexagonal grid, whose rows alternate (the rectangular
    /// grid's come as slices of the centred tables instead), with the cut-off applied as
    /// <see cref="NeighborhoodTable.SetCentredScales"/> applies it: an x factor whose step is below
    /// the cut-off even in the BMU's row is 0, and <see cref="_hexagonalCutoff"/> is 0 when no step of
    /// a moving row can fall below it.</summary>
    private void CentreHexagonal(int bmu, double alpha)
    {
        _table.Prepare(bmu);
        float largestScale = 0f, leastScale = float.PositiveInfinity;
        for (var y = 0; y < _rowScales.Length; y++)
        {
            var rowScale = (float)(alpha * _table.GaussianColumnFactor(y));
            _rowScales[y] = rowScale >= _cutoff ? rowScale : 0f;
            if (_rowScales[y] > 0f)
            {
                largestScale = Math.Max(largestScale, rowScale);
                leastScale = Math.Min(leastScale, rowScale);
            }
        }

        var leastFactor = Math.Min(
            CutFactors(_table.PaddedGaussianRowFactors(oddRow: false), _hexagonalEven, largestScale),
            CutFactors(_table.PaddedGaussianRowFactors(oddRow: true), _hexagonalOdd, largestScale));
        _hexagonalCutoff = _cutoff > 0f && leastScale * leastFactor < _cutoff ? _cutoff : 0f;
    }

    /// <summary>Copies x factors, 0 where even the largest row scale makes a step below the cut-off,
    /// and returns the least nonzero factor of a node.</summary>
    private float CutFactors(ReadOnlySpan<float> factors, Span<float> cut, float largestScale)
    {
        var least = float.PositiveInfinity;
        for (var x = 0; x < cut.Length; x++)
        {
            var factor = _cutoff > 0f && largestScale * factors[x] < _cutoff ? 0f : factors[x];
            cut[x] = factor;
            if (x < _planes.Width && factor > 0f)
            {
                least = Math.Min(least, factor);
            }
        }

        return least;
    }

    /// <summary>The fused step over grid rows [firstRow, endRow): moves them towards sample
    /// <paramref name="sampleRow"/> around <paramref name="bmu"/> and returns the best of them for
    /// sample <paramref name="nextRow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Step(int bmu, int sampleRow, int nextRow, int firstRow, int endRow, out float bestDistanceSquared)
    {
        var sample = _values.AsSpan(sampleRow * _planes.Dim, _planes.Dim);
        var next = _values.AsSpan(nextRow * _planes.Dim, _planes.Dim);
        if (_flat)
        {
            if (_fillStepsOnDemand && _flatStepsIteration[bmu] != _iteration)
            {
                FillFlatSteps(bmu);
            }

            var steps = _flatSteps.Span.Slice(bmu * _planes.Stride, _planes.Stride);
            return FusedOnlineStep.UpdateAndFindNext(_planes, sample, UnitRowScale, steps, steps, _rectangularCutoff, next, 0, 1, out bestDistanceSquared);
        }

        if (_rectangular)
        {
            var columns = _table.CentredColumns(_columnOf[bmu]);
            return FusedOnlineStep.UpdateAndFindNext(_planes, sample, _table.CentredRowScales(_rowOf[bmu]), columns, columns,
                _rectangularCutoff, next, firstRow, endRow, out bestDistanceSquared);
        }

        return FusedOnlineStep.UpdateAndFindNext(_planes, sample, _rowScales, _hexagonalEven, _hexagonalOdd, _hexagonalCutoff, next, firstRow, endRow, out bestDistanceSquared);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StepOnTwoThreads(int bmu, int sampleRow, int nextRow)
    {
        _post.Bmu = bmu;
        _post.SampleRow = sampleRow;
        _post.NextRow = nextRow;
        var step = _post.Step + 1;
        Volatile.Write(ref _post.Step, step);
        var lower = Step(bmu, sampleRow, nextRow, 0, _split, out var lowerDistanceSquared);
        Await(ref _answer.Step, step, maySleep: false);
        if (_workerError is { } error)
        {
            throw new InvalidOperationException("The training's second thread failed.", error);
        }

        return _answer.DistanceSquared < lowerDistanceSquared ? _answer.Bmu : lower;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WorkOnUpperRows()
    {
        for (var step = 1L; ; step++)
        {
            Await(ref _post.Step, step, maySleep: true);
            if (_stopping)
            {
                return;
            }

            try
            {
                _answer.Bmu = Step(_post.Bmu, _post.SampleRow, _post.NextRow, _split, _planes.Height, out _answer.DistanceSquared);
            }
            catch (Exception e)
            {
                _workerError = e;
            }

            Volatile.Write(ref _answer.Step, step);
        }
    }

    /// <summary>One direction of the handoff: a step's number and its data, alone on a cache line
    /// (64 bytes of padding on either side).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Handoff
    {
        [FieldOffset(64)]
        public long Step;

        /// <summary>Posted: the BMU of the step's sample. Answered: the best node of the upper rows.</summary>
        [FieldOffset(72)]
        public int Bmu;

        [FieldOffset(76)]
        public int SampleRow;

        [FieldOffset(80)]
        public int NextRow;

        [FieldOffset(84)]
        public float DistanceSquared;
    }

    /// <summary>Waits until <paramref name="counter"/> reaches <paramref name="value"/> (or the
    /// training stops): polls, then yields the processor between polls, and when
    /// <paramref name="maySleep"/> sleeps once the wait is long. The worker may sleep (between
    /// iterations the caller measures the map for a while); the caller never does, as it waits only
    /// for a half step in progress: a worker that lost its processor gets it back by the yields, and a
    /// sleep there cost a millisecond a sample on a busy machine.</summary>
    private void Await(ref long counter, long value, bool maySleep)
    {
        for (var polls = 0; Volatile.Read(ref counter) < value && !_stopping; polls++)
        {
            if (maySleep && polls >= SpinsBeforeYield + YieldsBeforeSleep)
            {
                Thread.Sleep(1);
            }
            else if (polls >= SpinsBeforeYield)
            {
                Thread.Yield();
            }
        }
    }
}
