// Online training with the fused step: half of each step on a second thread. The calling thread
// does the lower grid rows, a worker the upper ones; they meet once a sample through two handoff
// counters. Correctness-critical: the lower half wins a tie (its indices are lower), and each half
// reads the step's inputs only after the counter that publishes them.
// Held by: tests/Kohonen.Tests/Training/FusedOnlineTrainingTests.cs (one thread and two give the same
// bits) and DeterminismTests.cs. The spin and yield counts are tuning, safe to touch.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*OnlineStepBenchmarks*' '*TrainerBenchmarks*'

using System.Runtime.CompilerServices;

namespace Kohonen;

internal sealed partial class FusedOnlineTraining
{
    // The handoff. The caller writes the step's inputs, then its number (a release); the worker reads
    // the number (an acquire), then the inputs; its answer comes back the same way. Each direction
    // has a cache line of its own, so that the two threads do not write to the same line.
    private StepHandoff _post, _answer;
    private Exception? _workerError;
    private int _stopping;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StepOnTwoThreads(int bmu, int sampleRow, int nextRow)
    {
        _post.Bmu = bmu;
        _post.SampleRow = sampleRow;
        _post.NextRow = nextRow;
        var step = _post.Step + 1;
        Volatile.Write(ref _post.Step, step);
        var lower = Step(bmu, sampleRow, nextRow, 0, _split, out var lowerDistanceSquared);
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
        for (var step = 1L; ; step++)
        {
            StepHandoff.Await(ref _post.Step, step, maySleep: true, ref _stopping);
            if (Volatile.Read(ref _stopping) != 0)
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
}
