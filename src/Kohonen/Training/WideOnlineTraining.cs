// Online training on node-major codebooks (from 8 features, Euclidean, complete rows): each sample's
// update fused with the next sample's search, node by node, on one thread or two.
// Guarantees: the codebook of OnlineTrainer's unfused loops, bit for bit, on one thread or two and
// whichever way a pass walks the nodes; the same samples, order and random draws.
// Held by: tests/Kohonen.Tests/Training/WideOnlineTrainingTests.cs (against the unfused loops) and
// DeterminismTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*WideOnlineBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// The classic online algorithm for wide rows: one pass over the codebook a sample moves every node
/// within the cut-off towards the sample and, while the moved weights are in registers, measures the
/// next sample's distance to them (<see cref="WideOnlineStep"/>), so the codebook is read and written
/// once a sample instead of read twice and written once.
/// </summary>
/// <remarks>
/// <para>The steps are those of the unfused loops (<see cref="NeighborhoodTable.FillRow"/>, steps below
/// the cut-off set to 0, a step of 0 moves nothing), each node's arithmetic is theirs, and the BMU is
/// the closest node with ties to the lowest index, so the codebook is the same bits whatever the order
/// in which a pass visits the nodes. Passes alternate direction (first node to last, then last to
/// first): a codebook larger than the processor's cache then starts each pass on the nodes the pass
/// before ended on, still cached.</para>
/// <para>With two threads allowed and a map of at least <see cref="TwoThreadWork"/> weights, the step
/// is split by grid rows: the calling thread does the lower half, a worker the upper half, and they
/// meet once a sample when the halves' best nodes are compared (the lower half wins a tie). The
/// handoff spins, as a step is tens of microseconds, and a caller that finishes its half before the
/// worker has started does the upper half itself (on a busy machine the worker may have lost its
/// core); every <see cref="WindowSteps"/> steps the training
/// times a few steps on one thread against a few on two and keeps the faster way (on a machine whose
/// other core is busy, two threads wait on each other). The worker may sleep between polls through a
/// window on one thread, but not from <see cref="WakeSteps"/> steps before the window's end to the
/// end of the next probe: a worker still asleep there would leave the probe's two-thread steps to
/// the caller alone, and one window on one thread would tend to keep the next on one thread too.</para>
/// </remarks>
internal sealed class WideOnlineTraining : IDisposable
{
    /// <summary>Weights (nodes × features) from which a step is split across two threads.</summary>
    public const int TwoThreadWork = 1 << 17;

    /// <summary>Steps between two timings of one thread against two.</summary>
    private const int WindowSteps = 2048;

    /// <summary>Steps timed each way at the start of a window (after <see cref="WarmSteps"/> untimed
    /// ones on two threads, which wake the worker).</summary>
    private const int ProbeSteps = 12;

    private const int WarmSteps = 4;

    /// <summary>Steps before a window's end from which the worker stops sleeping between polls, so that
    /// the next window's probe times two threads rather than a worker still asleep (a sleep lasts about
    /// a millisecond, the probe's two-thread steps less).</summary>
    private const int WakeSteps = 64;

    /// <summary>The caller's codebook, written back when the map is measured and at the end.</summary>
    private readonly float[] _codebook;

    /// <summary>The codebook being trained, from a 64-byte boundary: a node of a multiple of 16
    /// features then starts on a cache line, and no vector of its weights straddles two.</summary>
    private readonly Memory<float> _weights;
    private readonly float[] _values;
    private readonly int _dim, _width, _height;
    private readonly NeighborhoodTable _table;
    private readonly float _cutoff;
    private readonly float[] _steps;
    private readonly int _split;
    private readonly Thread? _worker;
    private double _alpha;

    // The handoff: the caller writes a step's inputs, then its number (a release); the worker reads the
    // number (an acquire), then the inputs; its answer comes back the same way, each direction on a
    // cache line of its own.
    private StepHandoff _post, _answer;

    /// <summary>The last step whose upper half a thread has taken: the worker when it starts on it, or
    /// the caller when, its own half done, it finds the worker has not (each step is taken once).</summary>
    private long _claimed;
    private Exception? _workerError;
    private int _stopping;

    /// <summary>1 while the worker must not sleep between polls: from <see cref="WakeSteps"/> before
    /// a window's end to the end of the next probe (and from the start to the first probe's end), but
    /// not while the caller measures the map. Written by the caller only.</summary>
    private int _keepAwake;

    private WideOnlineTraining(float[] codebook, Grid grid, TrainingRun run, int threads)
    {
        _codebook = codebook;
        _weights = AlignedBuffer.Allocate(codebook.Length);
        codebook.CopyTo(_weights.Span);
        _values = run.Data.RawValues;
        _dim = run.Data.Columns;
        _width = grid.Width;
        _height = grid.Height;
        _table = new NeighborhoodTable(grid, run.Options.Neighborhood);
        _cutoff = run.Options.ExactNeighborhood ? 0f : SomOptions.NeighborhoodCutoff;
        _steps = new float[grid.Width];
        _split = grid.Height;
        if (threads >= 2 && grid.Height >= 2)
        {
            _split = grid.Height / 2;
            _worker = new Thread(WorkOnUpperRows) { IsBackground = true, Name = "Kohonen wide online step" };
            _worker.Start();
        }
    }

    /// <summary>Whether online training with these options runs here: the Euclidean distance on a
    /// node-major codebook (<see cref="SearchPlanner.ForChangingCodebookIn"/>), rows without holes.</summary>
    public static bool Applies(DistanceMetric distance, int dim, bool holes) =>
        !holes && distance == DistanceMetric.Euclidean && SearchPlanner.ForChangingCodebookIn(distance, dim) != BmuSearchKind.Planar;

    /// <param name="codebook">The initial codebook, node-major; trained in place.</param>
    /// <param name="grid">The map's grid.</param>
    /// <param name="run">Data, options, schedule, threads, progress.</param>
    /// <param name="random">The random stream (shuffling).</param>
    /// <param name="threads">0: two threads where the map is large enough and they prove faster;
    /// 1: one thread; 2: two threads throughout (tests compare the two).</param>
    public static void Train(float[] codebook, Grid grid, TrainingRun run, SomRandom random, int threads = 0)
    {
        var work = (long)grid.NodeCount * run.Data.Columns;
        var two = threads == 2
            || (threads == 0 && run.MaxThreads >= 2 && Environment.ProcessorCount >= 2 && work >= TwoThreadWork);
        run.MeasureAside = !two; // one thread steps through the samples: another measures the history
        using var training = new WideOnlineTraining(codebook, grid, run, two ? 2 : 1);
        training.Run(run, random, probe: threads == 0);
    }

    public void Dispose()
    {
        if (_worker is not null)
        {
            Volatile.Write(ref _stopping, 1);
            _worker.Join();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(TrainingRun run, SomRandom random, bool probe)
    {
        var options = run.Options;
        var rows = run.Data.Rows;
        var order = OnlineTrainer.Identity(rows);
        var nextOrder = options.Shuffle ? new int[rows] : order;
        if (options.Shuffle)
        {
            random.Permutation(order);
        }

        float[] NodeMajor()
        {
            _weights.Span.CopyTo(_codebook);
            return _codebook;
        }

        var bmu = BmuSearch.FindBest(_weights.Span, _dim, _values.AsSpan(order[0] * _dim, _dim), 0, _width * _height, out _);
        var choice = new ThreadChoice(_worker is not null, probe);
        var mayDiverge = options.Neighborhood == Neighborhood.MexicanHat;
        long steps = 0;
        KeepWorkerAwake(probe);
        for (var t = 0; t < options.Iterations; t++)
        {
            var sigma = run.Schedule.Sigma(t);
            _alpha = run.Schedule.LearningRate(t);
            _table.SetSigma(sigma);
            for (var i = 0; i < rows; i++, steps++)
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

                _table.Prepare(bmu);
                var reverse = (steps & 1) == 1;
                if (choice.Begin(steps))
                {
                    bmu = StepOnTwoThreads(order[i], next, reverse);
                }
                else
                {
                    bmu = Step(order[i], next, 0, _height, reverse, _steps, out _);
                }

                choice.End(steps);
                KeepWorkerAwake(probe && Probing(steps + 1));
            }

            // Only the Mexican hat can diverge (see OnlineTrainer).
            if (mayDiverge && !OnlineTrainer.AllFinite(_weights.Span))
            {
                throw new TrainingDivergedException(t + 1, options);
            }

            (order, nextOrder) = (nextOrder, order);
            KeepWorkerAwake(false);
            run.Report(t, NodeMajor, sigma, _alpha);
            KeepWorkerAwake(probe && Probing(steps));
        }

        NodeMajor();
    }

    /// <summary>
    /// Moves the nodes of grid rows [firstRow, endRow) towards sample row <paramref name="sampleRow"/>
    /// (the table centred on its BMU) and returns the node of those rows closest to sample row
    /// <paramref name="nextRow"/> after the move, ties to the lowest index (the first node of the rows
    /// when no distance is below infinity). <paramref name="reverse"/> walks the nodes last to first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Step(int sampleRow, int nextRow, int firstRow, int endRow, bool reverse, float[] rowSteps, out float bestDistanceSquared)
    {
        var dim = _dim;
        var width = _width;
        var sample = _values.AsSpan(sampleRow * dim, dim);
        var next = _values.AsSpan(nextRow * dim, dim);
        var cutoff = _cutoff;
        var codebook = _weights.Span;
        var best = -1;
        var bestD2 = float.PositiveInfinity;
        var rowCount = endRow - firstRow;
        for (var r = 0; r < rowCount; r++)
        {
            var y = reverse ? endRow - 1 - r : firstRow + r;
            var rowStart = y * width;
            var moves = _table.FillRow(y, _alpha, rowSteps);
            if (moves && cutoff > 0)
            {
                // As the unfused loops: a step whose size is below the cut-off is not applied.
                for (var x = 0; x < width; x++)
                {
                    if (Math.Abs(rowSteps[x]) < cutoff)
                    {
                        rowSteps[x] = 0;
                    }
                }
            }

            var c = 0;
            if (moves)
            {
                // Two nodes at a time where both move: the samples' vectors are loaded once for both.
                for (; c + 1 < width; c += 2)
                {
                    var x = reverse ? width - 1 - c : c;
                    var y2 = reverse ? x - 1 : x + 1;
                    var k = rowStart + x;
                    var k2 = rowStart + y2;
                    WideOnlineStep.UpdateAndMeasurePair(codebook.Slice(k * dim, dim), rowSteps[x], codebook.Slice(k2 * dim, dim), rowSteps[y2], sample, next, out var d2, out var d2Second);
                    Keep(k, d2, ref best, ref bestD2);
                    Keep(k2, d2Second, ref best, ref bestD2);
                }
            }

            for (; c < width; c++)
            {
                var x = reverse ? width - 1 - c : c;
                var k = rowStart + x;
                var weights = codebook.Slice(k * dim, dim);
                var d2 = moves ? WideOnlineStep.UpdateAndMeasure(weights, sample, rowSteps[x], next) : SquaredDistance.Compute(weights, next);
                Keep(k, d2, ref best, ref bestD2);
            }
        }

        bestDistanceSquared = bestD2;
        return best < 0 ? firstRow * width : best;
    }

    /// <summary>Makes node <paramref name="k"/> the best if it is closer, or as close with a lower
    /// index: the lowest index wins a tie whatever the order the nodes are visited in. A NaN distance
    /// never wins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(int k, float d2, ref int best, ref float bestD2)
    {
        if (d2 < bestD2 || (d2 == bestD2 && k < best))
        {
            best = k;
            bestD2 = d2;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StepOnTwoThreads(int sampleRow, int nextRow, bool reverse)
    {
        _post.SampleRow = sampleRow;
        _post.NextRow = nextRow;
        _post.Reverse = reverse;
        var step = _post.Step + 1;
        Volatile.Write(ref _post.Step, step);
        var lower = Step(sampleRow, nextRow, 0, _split, reverse, _steps, out var lowerDistanceSquared);
        if (Interlocked.CompareExchange(ref _claimed, step, step - 1) == step - 1)
        {
            // The worker has not started this step (it lost its core, say): the upper half here.
            var upper = Step(sampleRow, nextRow, _split, _height, reverse, _steps, out var upperDistanceSquared);
            return upperDistanceSquared < lowerDistanceSquared ? upper : lower;
        }

        StepHandoff.Await(ref _answer.Step, step, maySleep: false, ref _stopping);
        if (_workerError is { } error)
        {
            throw new InvalidOperationException("The training's second thread failed.", error);
        }

        return _answer.DistanceSquared < lowerDistanceSquared ? _answer.Bmu : lower;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WorkOnUpperRows()
    {
        var rowSteps = new float[_width];
        for (var seen = 0L; ;)
        {
            AwaitPost(seen + 1);
            if (Volatile.Read(ref _stopping) != 0)
            {
                return;
            }

            var step = Volatile.Read(ref _post.Step);
            seen = step;
            if (Interlocked.CompareExchange(ref _claimed, step, step - 1) != step - 1)
            {
                continue; // the caller did this step's upper half itself
            }

            try
            {
                _answer.Bmu = Step(_post.SampleRow, _post.NextRow, _split, _height, _post.Reverse, rowSteps, out _answer.DistanceSquared);
            }
            catch (Exception e)
            {
                _workerError = e;
            }

            Volatile.Write(ref _answer.Step, step);
        }
    }

    /// <summary>Whether step <paramref name="step"/> falls where the worker is to stay awake: from
    /// <see cref="WakeSteps"/> before a window's end until its probe has timed two threads.</summary>
    private static bool Probing(long step)
    {
        var phase = step % WindowSteps;
        return phase >= WindowSteps - WakeSteps || phase < (2 * ProbeSteps) + WarmSteps;
    }

    /// <summary>Lets the worker sleep between polls or not (with a worker; a write only when it
    /// changes).</summary>
    private void KeepWorkerAwake(bool awake)
    {
        var value = awake && _worker is not null ? 1 : 0;
        if (_keepAwake != value)
        {
            Volatile.Write(ref _keepAwake, value);
        }
    }

    /// <summary>The worker's wait for step <paramref name="step"/> (or the end): polls, then yields the
    /// processor between polls, and once the wait is long sleeps between them unless it is to stay
    /// awake (<see cref="_keepAwake"/>).</summary>
    private void AwaitPost(long step)
    {
        for (var polls = 0; Volatile.Read(ref _post.Step) < step && Volatile.Read(ref _stopping) == 0; polls++)
        {
            if (polls >= StepHandoff.SpinsBeforeYield + StepHandoff.YieldsBeforeSleep && Volatile.Read(ref _keepAwake) == 0)
            {
                Thread.Sleep(1);
            }
            else if (polls >= StepHandoff.SpinsBeforeYield)
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>
    /// Whether a step runs on one thread or two. With a worker and probing on, each window of
    /// <see cref="WindowSteps"/> steps starts with <see cref="ProbeSteps"/> timed steps on the calling
    /// thread alone, then <see cref="WarmSteps"/> untimed ones on both and <see cref="ProbeSteps"/>
    /// timed; the faster way runs the rest of the window. Either way gives the same codebook.
    /// </summary>
    private struct ThreadChoice(bool hasWorker, bool probe)
    {
        private readonly bool _hasWorker = hasWorker;
        private readonly bool _probe = hasWorker && probe;
        private bool _twoThreads = hasWorker;
        private long _started, _oneThreadTicks;

        /// <summary>Starts step <paramref name="step"/>: whether it runs on two threads.</summary>
        public bool Begin(long step)
        {
            if (!_probe)
            {
                return _hasWorker;
            }

            var phase = step % WindowSteps;
            if (phase == 0)
            {
                _twoThreads = false;
                _started = Stopwatch.GetTimestamp();
            }
            else if (phase == ProbeSteps)
            {
                _oneThreadTicks = Stopwatch.GetTimestamp() - _started;
                _twoThreads = true;
            }
            else if (phase == ProbeSteps + WarmSteps)
            {
                _started = Stopwatch.GetTimestamp();
            }

            return _twoThreads;
        }

        /// <summary>Ends step <paramref name="step"/>: after the last timed step on two threads, keeps
        /// them for the window only if they were faster.</summary>
        public void End(long step)
        {
            if (_probe && step % WindowSteps == (2 * ProbeSteps) + WarmSteps - 1)
            {
                _twoThreads = Stopwatch.GetTimestamp() - _started < _oneThreadTicks;
            }
        }
    }
}
