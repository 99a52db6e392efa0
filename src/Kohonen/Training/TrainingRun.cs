using System.Diagnostics;
using Kohonen.Data;
using Kohonen.Metrics;

namespace Kohonen.Training;

/// <summary>What one training needs besides the codebook: data in the training space, options,
/// schedule, threads, progress, cancellation and the clock.</summary>
internal sealed class TrainingRun(
    DataMatrix data,
    SomOptions options,
    int maxThreads,
    IProgress<TrainingProgress>? progress,
    CancellationToken cancellationToken)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public DataMatrix Data { get; } = data;

    public SomOptions Options { get; } = options;

    public TrainingSchedule Schedule { get; } = new(options);

    public int MaxThreads { get; } = maxThreads;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Reports iteration t (0-based) as done, with the QE when the options ask for it.</summary>
    /// <param name="t">The iteration just finished, 0-based.</param>
    /// <param name="codebook">Gives the node-major codebook; called only when the QE is due.</param>
    /// <param name="sigma">σ of the iteration.</param>
    /// <param name="learningRate">α of the iteration (NaN for batch).</param>
    public void Report(int t, Func<float[]> codebook, double sigma, double learningRate)
    {
        if (progress is null)
        {
            return;
        }

        double? qe = null;
        var every = Options.QuantizationErrorEvery;
        if (every > 0 && ((t + 1) % every == 0 || t == Options.Iterations - 1))
        {
            qe = QualityMetrics.QuantizationErrorOfCodebook(codebook(), Data.Columns, Data, MaxThreads);
        }

        progress.Report(new TrainingProgress(t + 1, Options.Iterations, sigma, learningRate, _clock.Elapsed, qe));
    }
}
