namespace Kohonen.Tracking;

/// <summary>Picks the run whose model to serve (see <see cref="SelectionRules"/>). It never falls back:
/// a named run that does not exist, or no run with the metric, is an error that says so.</summary>
public static class ModelSelector
{
    /// <summary>The selected run.</summary>
    /// <exception cref="TrackingException">The named run, the id file or a run with the metric is
    /// missing; the message says which and where the name came from.</exception>
    public static async Task<Run> SelectAsync(ITrackingStore store, SelectionRules rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        if (!rules.ForceBest)
        {
            var (runId, source) = await ExplicitRunIdAsync(rules, cancellationToken).ConfigureAwait(false);
            if (runId is not null)
            {
                try
                {
                    return await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
                }
                catch (RunNotFoundException e)
                {
                    throw new TrackingException($"The run '{runId}' named by {source} does not exist.", e);
                }
            }
        }

        IReadOnlyList<string>? experiments = null;
        if (rules.ExperimentName is { } name)
        {
            var experiment = await store.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new TrackingException($"There is no experiment named '{name}'.");
            experiments = [experiment.ExperimentId];
        }

        var ranked = await store.SearchRunsAsync(new RunQuery
        {
            ExperimentIds = experiments,
            Status = RunStatus.Finished,
            OrderByMetric = rules.MetricKey,
            Ascending = rules.Ascending,
            MaxResults = 1,
        }, cancellationToken).ConfigureAwait(false);

        // Runs without the metric sort last: if the first lacks it, so do all.
        return ranked.Count > 0 && ranked[0].Metrics.TryGetValue(rules.MetricKey, out var metric) && !double.IsNaN(metric.Value)
            ? ranked[0]
            : throw new TrackingException(
                $"No finished run{(rules.ExperimentName is null ? "" : $" of experiment '{rules.ExperimentName}'")} has the metric '{rules.MetricKey}' to choose by.");
    }

    private static async Task<(string? RunId, string Source)> ExplicitRunIdAsync(SelectionRules rules, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(rules.RunId))
        {
            return (rules.RunId.Trim(), "the run id setting");
        }

        if (rules.RunIdFile is null)
        {
            return (null, "");
        }

        var text = await Task.Run(() => RunIdFile.Read(rules.RunIdFile), cancellationToken).ConfigureAwait(false);
        return (text, $"the run id file '{rules.RunIdFile}'");
    }
}
