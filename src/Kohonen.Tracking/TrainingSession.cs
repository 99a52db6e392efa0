using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Kohonen.Tracking;

/// <summary>
/// One training, computed once and handed to every output that asked for it. <see cref="RunAsync"/>
/// trains the map on <see cref="Input"/> (on the thread pool, reporting its progress),
/// measures its final quantization and topographic errors once, serializes it once, draws the
/// <see cref="Pictures"/> once, and returns them all as a <see cref="TrainingOutcome"/>. With a
/// <see cref="Recording"/> it also records the run: the options as params, the tags, QE and TE at every
/// measured step (as they are measured, flushed in the background so training does not wait on the
/// store) and at the last step, the final metrics, the model file and the pictures. A training that
/// fails ends its run FAILED, one that is cancelled KILLED; either way the metrics logged so far stay.
/// </summary>
/// <param name="options">How to train; checked here with <see cref="SomOptions.Validate"/> (a
/// <see cref="SomOptionsException"/> names what is wrong).</param>
/// <param name="input">The rows to train on and to measure the map with.</param>
public sealed class TrainingSession(SomOptions options, DataSource input)
{
    /// <summary>The most points <see cref="CurveSpacing"/> gives a training curve.</summary>
    public const int MaxCurvePoints = 50;

    /// <summary>The options as given, validated.</summary>
    public SomOptions Options { get; } = (options ?? throw new ArgumentNullException(nameof(options))).Validate();

    /// <summary>The training rows.</summary>
    public DataSource Input { get; } = input ?? throw new ArgumentNullException(nameof(input));

    /// <summary>Measure QE and TE during training for a training curve, every
    /// <see cref="CurveSpacing"/> iterations (this replaces <see cref="SomOptions.MetricsEvery"/>).
    /// Default false: the options' own <see cref="SomOptions.MetricsEvery"/>.</summary>
    public bool MeasureCurve { get; init; }

    /// <summary>Record the training as a run there; null (the default) records nothing.</summary>
    public RunRecording? Recording { get; init; }

    /// <summary>Draws the pictures of the trained map, once; each becomes an artifact of the run and
    /// part of the outcome. Null (the default) draws none.</summary>
    public Func<SomModel, IReadOnlyList<TrainingPicture>>? Pictures { get; init; }

    /// <summary>Serialize the map even when nothing is recorded (to write it to a file). A recorded
    /// session always serializes it, once, for the store and the outcome alike.</summary>
    public bool KeepModelBytes { get; init; }

    /// <summary>Adds to the trained map what it should keep (labels, targets, segments) before it is
    /// serialized, drawn and recorded; the final QE and TE are measured on the map as trained.</summary>
    public Func<SomModel, SomModel>? Complete { get; init; }

    /// <summary>Fits the map somewhere other than this machine (a cluster): given the training
    /// options (<see cref="TrainingOptions"/>, validated), the progress and the cancellation, it
    /// returns the model, which must be the one <see cref="SomTrainer"/> would fit on
    /// <see cref="Input"/>. Null (the default) fits here. Recording, metrics and pictures are the same
    /// either way; a fitter that throws leaves the run FAILED with what was measured so far.</summary>
    public Func<SomOptions, IProgress<TrainingProgress>?, CancellationToken, Task<SomModel>>? Fitter { get; init; }

    /// <summary>Keep with the model how many training rows each node wins (<see cref="SomModel.Hits"/>),
    /// counted over the input once more after training, before <see cref="Complete"/>; off by default,
    /// so the model file stays as it was.</summary>
    public bool KeepHits { get; init; }

    /// <summary>Measures more final metrics on the finished map (after <see cref="Complete"/>), such as
    /// the training rows' label accuracy; they are logged beside the final quantization and topographic
    /// errors and returned in <see cref="TrainingOutcome.Measured"/>. Null: none.</summary>
    public Func<SomModel, IReadOnlyDictionary<string, double>>? FinalMetrics { get; init; }

    /// <summary>How the map is trained, given the trainer of <see cref="TrainingOptions"/> and
    /// <see cref="Input"/>: to start from a given codebook or to continue a map
    /// (<see cref="SomTrainer.Continue"/>). Null (the default) is <see cref="SomTrainer.Fit(DataSource, IProgress{TrainingProgress}?, CancellationToken)"/>.</summary>
    public Func<SomTrainer, DataSource, IProgress<TrainingProgress>?, CancellationToken, SomModel>? Train { get; init; }

    /// <summary>Told the run's id as soon as the run exists, before training starts.</summary>
    public Action<string>? Started { get; init; }

    /// <summary>The options the training uses: <see cref="Options"/>, with the curve's spacing when
    /// <see cref="MeasureCurve"/>.</summary>
    public SomOptions TrainingOptions =>
        MeasureCurve ? Options with { MetricsEvery = CurveSpacing(Options, Input.Rows) } : Options;

    /// <summary>
    /// How often to measure QE and TE for a training curve: up to <see cref="MaxCurvePoints"/> points,
    /// and fewer so that measuring stays small beside training itself: at most one point per
    /// <see cref="IterationsPerCurvePoint"/> iterations (a point costs about what a training pass
    /// costs), and about 2·10⁸ distance evaluations at most in all on large data.
    /// </summary>
    public static int CurveSpacing(SomOptions options, int rows)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perMeasurement = Math.Max(1.0, (double)rows * options.Width * options.Height);
        var affordable = Math.Min(2e8 / perMeasurement, options.Iterations / (double)IterationsPerCurvePoint);
        var points = (int)Math.Clamp(affordable, 2, MaxCurvePoints);
        return Math.Max(1, (int)Math.Ceiling(options.Iterations / (double)points));
    }

    /// <summary>The fewest iterations between two points of a training curve (at least two points
    /// are measured however short the training).</summary>
    public const int IterationsPerCurvePoint = 10;

    /// <summary>Trains, measures, serializes, draws and (with a <see cref="Recording"/>) records, once each.</summary>
    /// <param name="progress">Told of the training's progress, on the training thread.</param>
    /// <param name="cancellationToken">Stops training; the run ends KILLED and an
    /// <see cref="OperationCanceledException"/> is thrown.</param>
    public async Task<TrainingOutcome> RunAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var trainer = new SomTrainer(TrainingOptions);
        if (Recording is not { } recording)
        {
            var (model, time) = await FitAsync(trainer, progress, cancellationToken).ConfigureAwait(false);
            return Finish(model, time, KeepModelBytes, runId: null);
        }

        ArgumentNullException.ThrowIfNull(recording.Store);
        var store = recording.Store;
        var experiment = await store.GetOrCreateExperimentAsync(recording.ExperimentName, cancellationToken).ConfigureAwait(false);
        var run = await store.CreateRunAsync(experiment.ExperimentId, recording.RunName, cancellationToken).ConfigureAwait(false);
        var runId = run.RunId;
        Started?.Invoke(runId);
        var pending = new ConcurrentQueue<Metric>();
        using var stopFlushing = new CancellationTokenSource();
        var flusher = FlushAsync(store, runId, pending, stopFlushing.Token);
        try
        {
            await store.LogParamsAsync(runId, trainer.Options.ToParameters(), cancellationToken).ConfigureAwait(false);
            await store.SetTagsAsync(runId, RunOwner.CurrentTags(), cancellationToken).ConfigureAwait(false);
            if (recording.Tags is { Count: > 0 } tags)
            {
                await store.SetTagsAsync(runId, tags, cancellationToken).ConfigureAwait(false);
            }

            var recordingProgress = new ProgressCallback(p =>
            {
                if (p.QuantizationError is { } qe)
                {
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    pending.Enqueue(new Metric("quantization_error", qe, p.Iteration, now));
                    pending.Enqueue(new Metric("topographic_error", p.TopographicError ?? double.NaN, p.Iteration, now));
                }

                progress?.Report(p);
            });
            var (model, time) = await FitAsync(trainer, recordingProgress, cancellationToken).ConfigureAwait(false);
            await StopAsync(stopFlushing, flusher).ConfigureAwait(false);
            await DrainAsync(store, runId, pending).ConfigureAwait(false);

            var outcome = Finish(model, time, keepBytes: true, runId);
            await RecordAsync(store, outcome, cancellationToken).ConfigureAwait(false);
            await store.EndRunAsync(runId, RunStatus.Finished, CancellationToken.None).ConfigureAwait(false);
            return outcome;
        }
        catch (Exception e)
        {
            // Keep what was measured, then mark the run: KILLED when asked to stop, FAILED otherwise.
            await StopAsync(stopFlushing, flusher).ConfigureAwait(false);
            await DrainAsync(store, runId, pending).ConfigureAwait(false);
            await store.EndRunAsync(runId, e is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Trains on the thread pool; the time is the training's alone.</summary>
    private async Task<(SomModel Model, TimeSpan Time)> FitAsync(SomTrainer trainer, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var model = Fitter is { } fit
            ? await fit(trainer.Options, progress, cancellationToken).ConfigureAwait(false)
            : await Task.Run(() => Train is null ? trainer.Fit(Input, progress, cancellationToken) : Train(trainer, Input, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        return (model, clock.Elapsed);
    }

    /// <summary>The final metrics, the bytes and the pictures of the trained map, once each.</summary>
    private TrainingOutcome Finish(SomModel model, TimeSpan time, bool keepBytes, string? runId)
    {
        var (qe, te) = QualityMetrics.OfTraining(model, Input);
        if (KeepHits)
        {
            model = model.WithHits(Input);
        }

        model = Complete?.Invoke(model) ?? model;
        var bytes = keepBytes ? SomFile.ToBytes(model) : null;
        var pictures = Pictures?.Invoke(model) ?? [];
        var measured = FinalMetrics?.Invoke(model) ?? new Dictionary<string, double>();
        return new TrainingOutcome(model, bytes, qe, te, pictures, time, runId) { Measured = measured };
    }

    /// <summary>The final metrics (and the last step's, when training did not measure it), the
    /// quantization error in the data's units, the tags that make runs comparable (feature schema,
    /// scaling, encoder), the seed, the model file and the pictures.</summary>
    private async Task RecordAsync(ITrackingStore store, TrainingOutcome outcome, CancellationToken cancellationToken)
    {
        var runId = outcome.RunId!;
        var model = outcome.Model;
        var final = model.Options!.Iterations;
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var finals = new List<Metric>
        {
            new("train_seconds", outcome.TrainTime.TotalSeconds, final, stamp),
            new("final_quantization_error", outcome.QuantizationError, final, stamp),
            new("final_topographic_error", outcome.TopographicError, final, stamp),
            new(RunProfile.DataQuantizationError, model.Scaler is null ? outcome.QuantizationError : DataUnits.QuantizationError(model, Input.Chunks()), final, stamp),
        };
        finals.AddRange(outcome.Measured.Select(m => new Metric(m.Key, m.Value, final, stamp)));
        if (model.History.Count == 0 || model.History[^1].Iteration != final)
        {
            // The last step was not measured during training: log the final values as its step, so
            // every finished run has quantization_error and topographic_error to be ranked by.
            finals.Add(new("quantization_error", outcome.QuantizationError, final, stamp));
            finals.Add(new("topographic_error", outcome.TopographicError, final, stamp));
        }

        await store.LogMetricsAsync(runId, finals, cancellationToken).ConfigureAwait(false);
        await store.SetTagsAsync(runId, RunProfile.TagsOf(model), cancellationToken).ConfigureAwait(false);
        // The seed is known only now (an unseeded trainer draws one): a new param, not a change.
        await store.LogParamsAsync(runId, new Dictionary<string, string> { ["seed"] = model.Options.Seed!.Value.ToString(CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
        await store.LogArtifactAsync(runId, "model.som", outcome.ModelBytes, cancellationToken).ConfigureAwait(false);
        foreach (var picture in outcome.Pictures)
        {
            await store.LogArtifactAsync(runId, picture.ArtifactPath, picture.Content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the queued metrics about once a second, and the heartbeat every
    /// <see cref="RunOwner.HeartbeatEvery"/>, until stopped.</summary>
    private static async Task FlushAsync(ITrackingStore store, string runId, ConcurrentQueue<Metric> pending, CancellationToken stop)
    {
        var beat = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            if (beat.Elapsed >= RunOwner.HeartbeatEvery)
            {
                // The heartbeat: a run whose beats stop was killed (see RunOwner.Liveness).
                await store.SetTagsAsync(runId, RunOwner.Heartbeat(), CancellationToken.None).ConfigureAwait(false);
                beat.Restart();
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await DrainAsync(store, runId, pending).ConfigureAwait(false);
        }
    }

    private static async Task DrainAsync(ITrackingStore store, string runId, ConcurrentQueue<Metric> pending)
    {
        var batch = new List<Metric>();
        while (pending.TryDequeue(out var metric))
        {
            batch.Add(metric);
        }

        if (batch.Count > 0)
        {
            await store.LogMetricsAsync(runId, batch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task flusher)
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        await flusher.ConfigureAwait(false);
    }
}
