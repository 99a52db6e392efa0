using System.Collections.Concurrent;

namespace Kohonen.Tracking.Mlflow;

/// <summary>
/// The store on an MLflow tracking server, through its REST API: the same operations as the embedded
/// store. Artifacts go through the server's artifact proxy (<c>mlflow server --serve-artifacts</c>, the
/// default since MLflow 2.0), so runs need an <c>mlflow-artifacts:</c> artifact location.
/// Differences from the embedded store, from MLflow itself: a refused log-batch may have logged part of
/// its items, and a retried log-batch may log a metric value twice.
/// </summary>
public sealed class MlflowTrackingStore : ITrackingStore, IDisposable
{
    private const string ProxyScheme = "mlflow-artifacts:";

    private readonly MlflowClient _client;
    private readonly ConcurrentDictionary<string, string?> _artifactRoots = new(StringComparer.Ordinal);

    /// <summary>A store on the server in <paramref name="options"/>.</summary>
    /// <param name="options">The server and how to reach it.</param>
    /// <param name="handler">Sends the HTTP requests (tests); the default is a new handler.</param>
    public MlflowTrackingStore(MlflowClientOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = new MlflowClient(options, handler);
        TrackingUri = options.TrackingUri;
    }

    /// <summary>The server.</summary>
    public Uri TrackingUri { get; }

    /// <inheritdoc />
    public async Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        if (await GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        try
        {
            var id = await _client.CreateExperimentAsync(name, cancellationToken).ConfigureAwait(false);
            return new Experiment(id, name, DateTimeOffset.UtcNow);
        }
        catch (MlflowException e) when (e.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            // Another client created it between our two calls.
            return await GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new TrackingException($"MLflow says experiment '{name}' exists but does not return it.", e);
        }
    }

    /// <inheritdoc />
    public async Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var experiment = await _client.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false);
        return experiment is null ? null : ToExperiment(experiment);
    }

    /// <inheritdoc />
    public async Task<Experiment?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        var experiment = await _client.GetExperimentAsync(experimentId, cancellationToken).ConfigureAwait(false);
        return experiment is null ? null : ToExperiment(experiment);
    }

    /// <inheritdoc />
    public async Task<RunInfo> CreateRunAsync(string experimentId, string runName, CancellationToken cancellationToken = default)
    {
        var run = await _client.CreateRunAsync(new CreateRunRequest(experimentId, runName, Now()), cancellationToken).ConfigureAwait(false);
        Remember(run.Info);
        return ToInfo(run.Info);
    }

    /// <inheritdoc />
    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Guard(runId, () => _client.LogBatchAsync(runId, [], [.. parameters.Select(p => new MlflowKeyValue(p.Key, p.Value))], [], cancellationToken));
    }

    /// <inheritdoc />
    public Task LogMetricsAsync(string runId, IReadOnlyList<Metric> metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Guard(runId, () => _client.LogBatchAsync(runId, [.. metrics.Select(m => new MlflowMetric(m.Key, m.Value, m.Timestamp, m.Step))], [], [], cancellationToken));
    }

    /// <inheritdoc />
    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Guard(runId, () => _client.LogBatchAsync(runId, [], [], [.. tags.Select(t => new MlflowKeyValue(t.Key, t.Value))], cancellationToken));
    }

    /// <inheritdoc />
    public Task EndRunAsync(string runId, RunStatus status, CancellationToken cancellationToken = default)
    {
        if (status == RunStatus.Running)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A run ends FINISHED, FAILED or KILLED.");
        }

        return Guard(runId, () => _client.UpdateRunAsync(new UpdateRunRequest(runId, status.ToName(), Now()), cancellationToken));
    }

    /// <inheritdoc />
    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        MlflowRun run = null!;
        await Guard(runId, async () => run = await _client.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        Remember(run.Info);
        return ToRun(run);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Metric>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        List<MlflowMetric> history = null!;
        await Guard(runId, async () => history = await _client.GetMetricHistoryAsync(runId, key, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        // MLflow does not promise an order: by step, then as logged (timestamp), as the embedded store.
        return [.. history.Select((m, i) => (m, i)).OrderBy(x => x.m.Step).ThenBy(x => x.m.Timestamp).ThenBy(x => x.i).Select(x => new Metric(x.m.Key, x.m.Value, x.m.Step, x.m.Timestamp))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MaxResults is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.MaxResults, "MaxResults must be in 1..10000.");
        }

        var experiments = query.ExperimentIds
            ?? [.. (await _client.SearchExperimentsAsync(cancellationToken).ConfigureAwait(false)).Select(e => e.ExperimentId)];
        if (experiments.Count == 0)
        {
            return [];
        }

        var (filter, orderBy) = SearchTerms(query);
        var runs = await _client.SearchRunsAsync(experiments, filter, orderBy, query.MaxResults, cancellationToken).ConfigureAwait(false);
        foreach (var run in runs)
        {
            Remember(run.Info);
        }

        return [.. runs.Select(ToRun)];
    }

    /// <summary>MLflow's filter and order_by for a query.</summary>
    internal static (string? Filter, IReadOnlyList<string> OrderBy) SearchTerms(RunQuery query)
    {
        var filter = query.Status is { } status ? $"attributes.status = '{status.ToName()}'" : null;
        IReadOnlyList<string> orderBy = query.OrderByMetric is { } metric
            ? [$"metrics.`{metric.Replace("`", "", StringComparison.Ordinal)}` {(query.Ascending ? "ASC" : "DESC")}", "attributes.start_time DESC"]
            : ["attributes.start_time DESC"];
        return (filter, orderBy);
    }

    /// <inheritdoc />
    public async Task LogArtifactAsync(string runId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var target = await ArtifactAddressAsync(runId, path, cancellationToken).ConfigureAwait(false);
        await _client.UploadArtifactAsync(target, content, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadArtifactAsync(string runId, string path, CancellationToken cancellationToken = default)
    {
        var target = await ArtifactAddressAsync(runId, path, cancellationToken).ConfigureAwait(false);
        try
        {
            return await _client.DownloadArtifactAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new TrackingException($"Run {runId} has no artifact '{path}'.", e);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default)
    {
        var root = await ArtifactRootAsync(runId, cancellationToken).ConfigureAwait(false);
        var found = new List<string>();
        var folders = new Stack<string>([""]);
        while (folders.TryPop(out var folder))
        {
            var address = folder.Length == 0 ? root : $"{root}/{folder}";
            foreach (var file in await _client.ListArtifactsAsync(address, cancellationToken).ConfigureAwait(false))
            {
                // The proxy answers names relative to the folder asked for.
                var name = file.Path.Contains('/', StringComparison.Ordinal) ? file.Path[(file.Path.LastIndexOf('/') + 1)..] : file.Path;
                var relative = folder.Length == 0 ? name : $"{folder}/{name}";
                if (file.IsDir)
                {
                    folders.Push(relative);
                }
                else
                {
                    found.Add(relative);
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default) =>
        [.. (await _client.SearchExperimentsAsync(cancellationToken).ConfigureAwait(false)).Select(ToExperiment).OrderBy(e => e.Name, StringComparer.Ordinal)];

    /// <inheritdoc />
    public async Task<Experiment> CreateExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        try
        {
            var id = await _client.CreateExperimentAsync(name, cancellationToken).ConfigureAwait(false);
            return new Experiment(id, name, DateTimeOffset.UtcNow);
        }
        catch (MlflowException e) when (e.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            throw new TrackingException($"There is already an experiment named '{name}'.", e);
        }
    }

    /// <inheritdoc />
    public async Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(newName);
        try
        {
            await _client.UpdateExperimentAsync(experimentId, newName, cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowException e) when (e.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            throw new TrackingException($"There is already an experiment named '{newName}'.", e);
        }
        catch (MlflowException e) when (e.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
        {
            throw new TrackingException($"No experiment has the id '{experimentId}'.", e);
        }
    }

    /// <inheritdoc />
    public Task RenameRunAsync(string runId, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newName);
        return Guard(runId, () => _client.UpdateRunAsync(new UpdateRunRequest(runId, RunName: newName), cancellationToken));
    }

    /// <summary>Deletes the run's artifacts through the proxy (its whole folder), then marks the run
    /// deleted with <c>runs/delete</c>: MLflow keeps a deleted run's record until its garbage collector
    /// (<c>mlflow gc</c>) removes it, but no search returns it.</summary>
    /// <inheritdoc />
    public async Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        var root = await ArtifactRootAsync(runId, cancellationToken).ConfigureAwait(false);
        try
        {
            await _client.DeleteArtifactAsync(root, cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // No artifacts to delete.
        }

        await Guard(runId, () => _client.DeleteRunAsync(runId, cancellationToken)).ConfigureAwait(false);
        _artifactRoots.TryRemove(runId, out _);
    }

    /// <summary>MLflow has no search by id prefix: a whole id is looked up with <c>runs/get</c>, a prefix
    /// among the active runs of every experiment (at most 10,000).</summary>
    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> FindRunIdsAsync(string prefix, int maxResults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        if (prefix.Length == 32)
        {
            try
            {
                var run = await _client.GetRunAsync(prefix, cancellationToken).ConfigureAwait(false);
                return run.Info.LifecycleStage == "deleted" ? [] : [run.Info.RunId];
            }
            catch (MlflowException e) when (e.ErrorCode is "RESOURCE_DOES_NOT_EXIST" or "INVALID_PARAMETER_VALUE")
            {
                return [];
            }
        }

        var experiments = (await _client.SearchExperimentsAsync(cancellationToken).ConfigureAwait(false)).Select(e => e.ExperimentId).ToList();
        if (experiments.Count == 0)
        {
            return [];
        }

        var runs = await _client.SearchRunsAsync(experiments, null, ["attributes.start_time DESC"], 10_000, cancellationToken).ConfigureAwait(false);
        return [.. runs.Select(r => r.Info.RunId).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).Take(maxResults)];
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task<string> ArtifactAddressAsync(string runId, string path, CancellationToken cancellationToken)
    {
        var segments = ArtifactPaths.Split(path);
        var root = await ArtifactRootAsync(runId, cancellationToken).ConfigureAwait(false);
        return $"{root}/{string.Join('/', segments)}";
    }

    /// <summary>The run's folder in the artifact proxy, from its artifact URI
    /// (<c>mlflow-artifacts:/1/RUN/artifacts</c> or <c>mlflow-artifacts://host/1/RUN/artifacts</c>).</summary>
    private async Task<string> ArtifactRootAsync(string runId, CancellationToken cancellationToken)
    {
        if (!_artifactRoots.TryGetValue(runId, out var root))
        {
            await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            root = _artifactRoots[runId];
        }

        return root ?? throw new TrackingException(
            $"MLflow run {runId} keeps its artifacts outside the tracking server's artifact proxy; start the server with --serve-artifacts (the default since MLflow 2.0) so that artifacts go through it.");
    }

    private void Remember(MlflowRunInfo info)
    {
        var uri = info.ArtifactUri;
        if (uri is null || !uri.StartsWith(ProxyScheme, StringComparison.Ordinal))
        {
            _artifactRoots[info.RunId] = null;
            return;
        }

        var rest = uri[ProxyScheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            // mlflow-artifacts://host:port/path: the path after the authority.
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? "" : rest[slash..];
        }

        _artifactRoots[info.RunId] = rest.Trim('/');
    }

    /// <summary>Runs an operation on a run, turning MLflow's "no such run" into <see cref="RunNotFoundException"/>.</summary>
    private static async Task Guard(string runId, Func<Task> operation)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (MlflowException e) when (e.ErrorCode == "RESOURCE_DOES_NOT_EXIST" || (e.StatusCode == System.Net.HttpStatusCode.NotFound && e.ErrorCode is null))
        {
            throw new RunNotFoundException($"No run has the id '{runId}' on the MLflow server.", e);
        }
    }

    private static Experiment ToExperiment(MlflowExperiment e) =>
        new(e.ExperimentId, e.Name, DateTimeOffset.FromUnixTimeMilliseconds(e.CreationTime ?? 0));

    private static RunInfo ToInfo(MlflowRunInfo info) => new(
        info.RunId,
        info.ExperimentId,
        info.RunName ?? "",
        Enum.TryParse<RunStatus>(info.Status, ignoreCase: true, out var status) ? status : RunStatus.Running,
        info.StartTime,
        info.EndTime is 0 ? null : info.EndTime);

    private static Run ToRun(MlflowRun run) => new(
        ToInfo(run.Info),
        (run.Data?.Params ?? []).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        (run.Data?.Metrics ?? []).GroupBy(m => m.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Select(m => new Metric(m.Key, m.Value, m.Step, m.Timestamp)).Last(), StringComparer.Ordinal),
        (run.Data?.Tags ?? []).Where(t => !t.Key.StartsWith("mlflow.", StringComparison.Ordinal)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

}
