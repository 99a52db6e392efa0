// Online training with the fused step: the iterations. Correctness-critical: the samples, their
// order and the random draws must be those of OnlineTrainer's loop (the next iteration's order is
// drawn at the last sample of the one before), and each step applies that iteration's σ and α.
// Held by: tests/Kohonen.Tests/Training/FusedOnlineTrainingTests.cs and DeterminismTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*OnlineStepBenchmarks*' '*TrainerBenchmarks*'

using System.Runtime.CompilerServices;
using Kohonen.Kernels;

namespace Kohonen;

internal sealed partial class FusedOnlineTraining
{
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
        var threads = new ThreadChoice(_worker is not null);
        for (var t = 0; t < options.Iterations; t++)
        {
            var twoThreads = threads.Begin(t);
            _iteration = t;
            var sigma = run.Schedule.Sigma(t);
            var alpha = run.Schedule.LearningRate(t);
            _table.SetSigma(sigma);
            if (_rectangular)
            {
                _rectangularCutoff = _table.SetCentredScales(alpha, _cutoff, _tiled ? _gridWidth : _planes.Stride) ? _cutoff : 0f;
                if (_tiled)
                {
                    FillTiledRows();
                }
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

            threads.End();
            (order, nextOrder) = (nextOrder, order);
            run.Report(t, NodeMajor, sigma, alpha);
        }

        NodeMajor();
    }
}
