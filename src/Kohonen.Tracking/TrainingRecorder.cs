using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Kohonen.Tracking;

/// <summary>
/// Trains a map and records it as a run: the options as params, the given tags, QE and TE at every
/// measured step (as they are measured, flushed in the background so training does not wait on the
/// store) and at the last step, the final metrics, the model file and any other artifacts. A training that fails ends its
/// run FAILED, one that is cancelled KILLED; either way the metrics logged so far stay.
/// </summary>
public static class TrainingRecorder
{
    /// <summary>Trains with <paramref name="trainer"/> on <paramref name="data"/> and records the run.</summary>
    /// <param name="store">Where the run goes.</param>
    /// <param name="experimentName">The experiment (created when missing).</param>
    /// <param name="runName">The run's name.</param>
    /// <param name="trainer">The trainer; set <see cref="SomOptions.MetricsEvery"/> for a history.</param>
    /// <param name="data">The training data.</param>
    /// <param name="tags">Tags to set (data file, tool version, …).</param>
    /// <param name="artifacts">Extra files to store with the model, made from the trained map (pictures).</param>
    /// <param name="progress">Also told of the training's progress.</param>
    /// <param name="started">Told the run's id as soon as the run exists (before training).</param>
    /// <param name="cancellationToken">Stops training; the run ends KILLED.</param>
    public static async Task<RecordedTraining> TrainAsync(
        ITrackingStore store,
        string experimentName,
        string runName,
        SomTrainer trainer,
        DataMatrix data,
        IReadOnlyDictionary<string, string>? tags = null,
        Func<SomModel, IEnumerable<(string Path, byte[] Content)>>? artifacts = null,
        IProgress<TrainingProgress>? progress = null,
        Action<string>? started = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(data);
        return await TrainAsync(store, experimentName, runName, trainer.Options, (p, ct) => trainer.Fit(data, p, ct),
            model => QualityMetrics.OfTraining(model, data), tags, artifacts, progress, started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records any training: <paramref name="fit"/> trains (reporting to the progress it is given and
    /// stopping when its token is cancelled), <paramref name="finalMetrics"/> gives the trained map's QE
    /// and TE on its data (for data streamed from a file, say).
    /// </summary>
    /// <param name="store">Where the run goes.</param>
    /// <param name="experimentName">The experiment (created when missing).</param>
    /// <param name="runName">The run's name.</param>
    /// <param name="options">The training's options, logged as params.</param>
    /// <param name="fit">Trains the map.</param>
    /// <param name="finalMetrics">QE and TE of the trained map on its training data.</param>
    /// <param name="tags">Tags to set.</param>
    /// <param name="artifacts">Extra files to store with the model.</param>
    /// <param name="progress">Also told of the training's progress.</param>
    /// <param name="started">Told the run's id as soon as the run exists.</param>
    /// <param name="cancellationToken">Stops training; the run ends KILLED.</param>
    public static async Task<RecordedTraining> TrainAsync(
        ITrackingStore store,
        string experimentName,
        string runName,
        SomOptions options,
        Func<IProgress<TrainingProgress>, CancellationToken, SomModel> fit,
        Func<SomModel, (double QuantizationError, double TopographicError)> finalMetrics,
        IReadOnlyDictionary<string, string>? tags = null,
        Func<SomModel, IEnumerable<(string Path, byte[] Content)>>? artifacts = null,
        IProgress<TrainingProgress>? progress = null,
        Action<string>? started = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(finalMetrics);
        var experiment = await store.GetOrCreateExperimentAsync(experimentName, cancellationToken).ConfigureAwait(false);
        var run = await store.CreateRunAsync(experiment.ExperimentId, runName, cancellationToken).ConfigureAwait(false);
        started?.Invoke(run.RunId);
        var pending = new ConcurrentQueue<Metric>();
        using var stopFlushing = new CancellationTokenSource();
        var flusher = FlushAsync(store, run.RunId, pending, stopFlushing.Token);
        try
        {
            await store.LogParamsAsync(run.RunId, options.ToParameters(), cancellationToken).ConfigureAwait(false);
            if (tags is { Count: > 0 })
            {
                await store.SetTagsAsync(run.RunId, tags, cancellationToken).ConfigureAwait(false);
            }

            var clock = Stopwatch.StartNew();
            var model = await Task.Run(() => fit(new ProgressCallback(p =>
            {
                if (p.QuantizationError is { } qe)
                {
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    pending.Enqueue(new Metric("quantization_error", qe, p.Iteration, now));
                    pending.Enqueue(new Metric("topographic_error", p.TopographicError ?? double.NaN, p.Iteration, now));
                }

                progress?.Report(p);
            }), cancellationToken), cancellationToken).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;

            await StopAsync(stopFlushing, flusher).ConfigureAwait(false);
            await Drain(store, run.RunId, pending, CancellationToken.None).ConfigureAwait(false);
            var final = model.Options!.Iterations;
            var stamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var (qeFinal, teFinal) = finalMetrics(model);
            var finals = new List<Metric>
            {
                new("train_seconds", seconds, final, stamp),
                new("final_quantization_error", qeFinal, final, stamp),
                new("final_topographic_error", teFinal, final, stamp),
            };
            if (model.History.Count == 0 || model.History[^1].Iteration != final)
            {
                // The last step was not measured during training: measure it now, so every finished
                // run has quantization_error and topographic_error to be ranked by.
                finals.Add(new("quantization_error", qeFinal, final, stamp));
                finals.Add(new("topographic_error", teFinal, final, stamp));
            }

            await store.LogMetricsAsync(run.RunId, finals, cancellationToken).ConfigureAwait(false);
            // The seed is known only now (an unseeded trainer draws one): a new param, not a change.
            await store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["seed"] = model.Options.Seed!.Value.ToString(CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
            await store.LogArtifactAsync(run.RunId, "model.som", SomFile.ToBytes(model), cancellationToken).ConfigureAwait(false);
            foreach (var (path, content) in artifacts?.Invoke(model) ?? [])
            {
                await store.LogArtifactAsync(run.RunId, path, content, cancellationToken).ConfigureAwait(false);
            }

            await store.EndRunAsync(run.RunId, RunStatus.Finished, CancellationToken.None).ConfigureAwait(false);
            return new RecordedTraining(run.RunId, model, seconds);
        }
        catch (Exception e)
        {
            // Keep what was measured, then mark the run: KILLED when asked to stop, FAILED otherwise.
            await StopAsync(stopFlushing, flusher).ConfigureAwait(false);
            await Drain(store, run.RunId, pending, CancellationToken.None).ConfigureAwait(false);
            await store.EndRunAsync(run.RunId, e is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes the queued metrics about once a second until stopped.</summary>
    private static async Task FlushAsync(ITrackingStore store, string runId, ConcurrentQueue<Metric> pending, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await Drain(store, runId, pending, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task Drain(ITrackingStore store, string runId, ConcurrentQueue<Metric> pending, CancellationToken cancellationToken)
    {
        var batch = new List<Metric>();
        while (pending.TryDequeue(out var metric))
        {
            batch.Add(metric);
        }

        if (batch.Count > 0)
        {
            await store.LogMetricsAsync(runId, batch, cancellationToken).ConfigureAwait(false);
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
