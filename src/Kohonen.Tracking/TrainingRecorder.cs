namespace Kohonen.Tracking;

/// <summary>
/// Trains a map on rows in memory and records it as a run: a <see cref="TrainingSession"/> with a
/// <see cref="RunRecording"/>, for callers that want nothing but the recorded run.
/// </summary>
public static class TrainingRecorder
{
    /// <summary>Trains with <paramref name="trainer"/> on <paramref name="data"/> and records the run
    /// as <see cref="TrainingSession.RunAsync"/> does.</summary>
    /// <param name="store">Where the run goes.</param>
    /// <param name="experimentName">The experiment (created when missing).</param>
    /// <param name="runName">The run's name.</param>
    /// <param name="trainer">The trainer; set <see cref="SomOptions.MetricsEvery"/> for a history.</param>
    /// <param name="data">The training data.</param>
    /// <param name="tags">Tags to set (data file, tool version, …).</param>
    /// <param name="artifacts">Extra files to store with the model, made once from the trained map
    /// (pictures), each under its relative path.</param>
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
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(data);
        var session = new TrainingSession(trainer.Options, DataSource.FromMatrix(data))
        {
            Recording = new RunRecording(store, experimentName, runName, tags),
            Pictures = artifacts is null ? null : model => [.. artifacts(model).Select(a => new TrainingPicture(a.Path, a.Content))],
            Started = started,
            KeepHits = true,
        };
        var outcome = await session.RunAsync(progress, cancellationToken).ConfigureAwait(false);
        return new RecordedTraining(outcome.RunId!, outcome.Model, outcome.TrainTime.TotalSeconds);
    }
}
