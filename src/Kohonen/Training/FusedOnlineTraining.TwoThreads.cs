// Online training with the fused step: half of each step on a second thread. The calling thread
// does the lower grid rows, a worker the upper ones; they meet once a sample through two handoff
// counters. Correctness-critical: the lower half wins a tie (its indices are lower), and each half
// reads the step's inputs only after the counter that publishes them.
// Held by: tests/Kohonen.Tests/Training/FusedOnlineTrainingTests.cs (one thread and two give the same
// bits) and DeterminismTests.cs. The spin and yield counts are tuning, safe to touch.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*OnlineStepBenchmarks*' '*TrainerBenchmarks*'

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kohonen;

internal sealed partial class FusedOnlineTraining
{
    /// <summary>Empty polls of a handoff counter before the waiting thread starts yielding.</summary>
    private const int SpinsBeforeYield = 1 << 14;

    /// <summary>Yields after which a wait is long (the caller is measuring the map, say): from there
    /// the waiting thread sleeps between polls.</summary>
    private const int YieldsBeforeSleep = 1 << 12;

    // The handoff. The caller writes the step's inputs, then its number (a release); the worker reads
    // the number (an acquire), then the inputs; its answer comes back the same way. Each direction
    // has a cache line of its own, so that the two threads do not write to the same line.
    private Handoff _post, _answer;
    private Exception? _workerError;
    private volatile bool _stopping;

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
