namespace Kohonen.Tracking;

/// <summary>
/// Where runs are remembered: experiments, runs, params, metrics with their history, tags and
/// artifacts, with MLflow's rules (a param is logged once and never changes; metrics keep every
/// (value, step, timestamp); tags may be overwritten).
/// </summary>
public interface ITrackingStore
{
    /// <summary>The experiment with this name, created if there is none.</summary>
    Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The experiment with this name, or null.</summary>
    Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The experiment with this id, or null.</summary>
    Task<Experiment?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default);

    /// <summary>Starts a run (status RUNNING, start time now, a new 32-hex id).</summary>
    Task<RunInfo> CreateRunAsync(string experimentId, string runName, CancellationToken cancellationToken = default);

    /// <summary>Logs params; logging a key again with the same value is allowed, with another value
    /// it is a <see cref="TrackingException"/> and nothing of the call is logged.</summary>
    Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default);

    /// <summary>Adds metric values to their histories.</summary>
    Task LogMetricsAsync(string runId, IReadOnlyList<Metric> metrics, CancellationToken cancellationToken = default);

    /// <summary>Sets tags (overwriting).</summary>
    Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default);

    /// <summary>Ends a run with FINISHED, FAILED or KILLED and the end time now.</summary>
    Task EndRunAsync(string runId, RunStatus status, CancellationToken cancellationToken = default);

    /// <summary>A run with its data.</summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Every logged value of one metric of a run, by step, then in logging order.</summary>
    Task<IReadOnlyList<Metric>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default);

    /// <summary>Runs matching the query.</summary>
    Task<IReadOnlyList<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken = default);

    /// <summary>Stores a file under the run (a relative path with '/' separators; never outside the
    /// run's artifacts). The artifact is whole or absent.</summary>
    Task LogArtifactAsync(string runId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The bytes of an artifact.</summary>
    Task<byte[]> ReadArtifactAsync(string runId, string path, CancellationToken cancellationToken = default);

    /// <summary>The relative paths of a run's artifacts, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Every experiment, by name in ordinal order.</summary>
    Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates an experiment; a name already taken is a <see cref="TrackingException"/>.</summary>
    Task<Experiment> CreateExperimentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Gives an experiment a new name; an unknown experiment or a name already taken is a
    /// <see cref="TrackingException"/>. Its runs stay in it.</summary>
    Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default);

    /// <summary>Gives a run a new name.</summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    Task RenameRunAsync(string runId, string newName, CancellationToken cancellationToken = default);

    /// <summary>Deletes a run: its params, metrics, tags and every artifact (the model, the pictures).
    /// Afterwards no search returns it.</summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The ids of the runs (of any experiment) that start with <paramref name="prefix"/>
    /// (lower-case hex), in ordinal order, at most <paramref name="maxResults"/>. See
    /// <see cref="RunIds.ResolveAsync"/> for the rule people use.</summary>
    Task<IReadOnlyList<string>> FindRunIdsAsync(string prefix, int maxResults, CancellationToken cancellationToken = default);
}
