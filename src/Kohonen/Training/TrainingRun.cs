using System.Diagnostics;

namespace Kohonen;

/// <summary>What one training needs besides the codebook: data in the training space, options,
/// schedule, threads, progress, cancellation and the clock.</summary>
internal sealed class TrainingRun(
    TrainingData data,
    SomOptions options,
    Grid grid,
    int maxThreads,
    IProgress<TrainingProgress>? progress,
    CancellationToken cancellationToken)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The rows, in memory or streamed.</summary>
    public TrainingData Rows { get; } = data;

    /// <summary>All rows at once (the online trainer needs them in memory).</summary>
    public DataMatrix Data => Rows.Whole ?? throw new InvalidOperationException("This training streams its data; only the batch map can.");

    public SomOptions Options { get; } = options;

    public TrainingSchedule Schedule { get; } = new(options);

    public int MaxThreads { get; } = maxThreads;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Rows above which the history's steps before the last are measured on an evenly spaced
    /// sample of this many rows (the last step, which gives the final QE and TE, always on every row).</summary>
    public const int HistorySampleRows = 65_536;

    private DataMatrix? _historySample;

    /// <summary>The measured steps so far.</summary>
    public List<TrainingStep> History { get; } = [];

    /// <summary>Reports iteration t (0-based) as done, measuring QE and TE when the options ask for
    /// it here (those measurements go into <see cref="History"/> too).</summary>
    /// <param name="t">The iteration just finished, 0-based.</param>
    /// <param name="codebook">Gives the node-major codebook; called only when a measurement is due.</param>
    /// <param name="sigma">σ of the iteration.</param>
    /// <param name="learningRate">α of the iteration (NaN for batch).</param>
    public void Report(int t, Func<float[]> codebook, double sigma, double learningRate)
    {
        double? qe = null, te = null;
        var every = Options.MetricsEvery;
        if (every > 0 && ((t + 1) % every == 0 || t == Options.Iterations - 1))
        {
            var weights = codebook();
            (qe, te) = QualityMetrics.OfCodebook(weights, grid, Rows.Columns, MeasuredRows(t == Options.Iterations - 1), MaxThreads, Options.Distance);
            History.Add(new TrainingStep(t + 1, sigma, learningRate, qe.Value, te.Value));
            if (double.IsNaN(te.Value))
            {
                te = null;
            }
        }

        progress?.Report(new TrainingProgress(t + 1, Options.Iterations, sigma, learningRate, _clock.Elapsed, qe, te));
    }

    /// <summary>The rows a history step is measured on: every row for the last step or up to
    /// <see cref="HistorySampleRows"/> rows, else the sample (made once).</summary>
    private IEnumerable<DataMatrix> MeasuredRows(bool last) =>
        last || Rows.Rows <= HistorySampleRows ? Rows.Chunks() : [_historySample ??= HistorySample(Rows)];

    /// <summary><see cref="HistorySampleRows"/> rows spread evenly over the data, in file order: row
    /// ⌊i·n / <see cref="HistorySampleRows"/>⌋ for each i.</summary>
    internal static DataMatrix HistorySample(TrainingData rows)
    {
        var columns = rows.Columns;
        var values = new float[(long)HistorySampleRows * columns];
        for (var i = 0; i < HistorySampleRows; i++)
        {
            rows.CopyRow((int)((long)i * rows.Rows / HistorySampleRows), values.AsSpan(i * columns, columns));
        }

        return new DataMatrix(values, HistorySampleRows, columns);
    }
}
