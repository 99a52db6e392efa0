// Online training with the fused step: the choice of one thread or two, per iteration, by timing.
// Tuning, safe to touch: one thread and two give the same codebook, bit for bit, so this changes the
// speed only.
// Held by: tests/Kohonen.Tests/Training/FusedOnlineTrainingTests.cs (the bits on one thread and two).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*TrainerBenchmarks*'

using System.Diagnostics;

namespace Kohonen;

internal sealed partial class FusedOnlineTraining
{
    /// <summary>Iterations between two timings of one thread against two (see <see cref="ThreadChoice"/>).</summary>
    private const int ProbeEvery = 32;

    /// <summary>
    /// Whether an iteration runs on one thread or two. With a worker, each window of
    /// <see cref="ProbeEvery"/> iterations starts by timing one iteration on the calling thread alone,
    /// then runs one on both untimed (the worker may have gone to sleep meanwhile, and waking it is not
    /// the cost of a step) and times the next; the faster way runs the rest of the window.
    /// </summary>
    private struct ThreadChoice(bool hasWorker)
    {
        private readonly bool _hasWorker = hasWorker;
        private bool _twoThreads = hasWorker;
        private long _oneThreadTicks;
        private long _started;
        private int _probe;

        /// <summary>Starts iteration <paramref name="t"/>: whether it runs on two threads.</summary>
        public bool Begin(int t)
        {
            _probe = _hasWorker ? t % ProbeEvery : -1;
            if (_probe == 0)
            {
                _twoThreads = false;
            }
            else if (_probe == 1)
            {
                _twoThreads = true;
            }

            _started = _probe is 0 or 2 ? Stopwatch.GetTimestamp() : 0;
            return _twoThreads;
        }

        /// <summary>Ends the iteration begun last: takes its time when it was a probe.</summary>
        public void End()
        {
            if (_probe == 0)
            {
                _oneThreadTicks = Stopwatch.GetTimestamp() - _started;
            }
            else if (_probe == 2)
            {
                // One timed iteration is a noisy sample: two threads stay unless clearly slower.
                _twoThreads = Stopwatch.GetTimestamp() - _started < _oneThreadTicks * 5 / 4;
            }
        }
    }
}
