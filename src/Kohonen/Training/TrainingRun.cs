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

    /// <summary>
    /// Set by a trainer whose loop runs on one thread while <see cref="MaxThreads"/> allows more: the
    /// history's steps before the last are then measured on another thread, on a copy of the codebook,
    /// while training goes on (one measurement at a time). The figures are the same either way (a
    /// measurement's sums do not depend on its threads); the progress reports keep their order, those
    /// after a measured step waiting until it is measured.
    /// </summary>
    public bool MeasureAside { get; set; }

    /// <summary>The measurement running aside, with its step's report (QE and TE still to come).</summary>
    private (Task<(double QuantizationError, double TopographicError)> Measuring, TrainingProgress Report)? _aside;

    /// <summary>Reports made while a measurement runs aside, told once it ends, in order.</summary>
    private readonly List<TrainingProgress> _held = [];

    /// <summary>Reports iteration t (0-based) as done, measuring QE and TE when the options ask for
    /// it here (those measurements go into <see cref="History"/> too). After the last iteration every
    /// measurement is in <see cref="History"/> and every report told.</summary>
    /// <param name="t">The iteration just finished, 0-based.</param>
    /// <param name="codebook">Gives the node-major codebook; called only when a measurement is due.</param>
    /// <param name="sigma">σ of the iteration.</param>
    /// <param name="learningRate">α of the iteration (NaN for batch).</param>
    public void Report(int t, Func<float[]> codebook, double sigma, double learningRate)
    {
        if (_aside is { } aside && aside.Measuring.IsCompleted)
        {
            EndAside();
        }

        var every = Options.MetricsEvery;
        var last = t == Options.Iterations - 1;
        var report = new TrainingProgress(t + 1, Options.Iterations, sigma, learningRate, _clock.Elapsed, null, null);
        if (every <= 0 || ((t + 1) % every != 0 && !last))
        {
            Tell(report);
            return;
        }

        var weights = codebook();
        EndAside();
        if (MeasureAside && !last && MaxThreads >= 2)
        {
            var copy = weights.ToArray();
            var rows = MeasuredRows(last: false);
            var threads = MaxThreads - 1;
            _aside = (Task.Run(() => QualityMetrics.OfCodebook(copy, grid, Rows.Columns, rows, threads, Options.Distance)), report);
            return;
        }

        Tell(Measured(report, QualityMetrics.OfCodebook(weights, grid, Rows.Columns, MeasuredRows(last), MaxThreads, Options.Distance)));
    }

    /// <summary>Waits for the measurement running aside, if any, then tells its report and those held.</summary>
    private void EndAside()
    {
        if (_aside is not { } aside)
        {
            return;
        }

        _aside = null;
        var measured = Measured(aside.Report, aside.Measuring.Result);
        progress?.Report(measured);
        foreach (var held in _held)
        {
            progress?.Report(held);
        }

        _held.Clear();
    }

    /// <summary>Adds a measured step to <see cref="History"/>; its report, with QE (and TE, unless NaN).</summary>
    private TrainingProgress Measured(TrainingProgress report, (double QuantizationError, double TopographicError) measured)
    {
        var (qe, te) = measured;
        History.Add(new TrainingStep(report.Iteration, report.Sigma, report.LearningRate, qe, te));
        return report with { QuantizationError = qe, TopographicError = double.IsNaN(te) ? null : te };
    }

    /// <summary>Tells a report now, or holds it while a measurement runs aside (reports keep their order).</summary>
    private void Tell(TrainingProgress report)
    {
        if (_aside is not null)
        {
            _held.Add(report);
        }
        else
        {
            progress?.Report(report);
        }
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
