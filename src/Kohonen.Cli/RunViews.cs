using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>A run as <c>kohonen runs … --json</c> prints it.</summary>
internal sealed record RunView(
    string RunId,
    string RunName,
    string ExperimentId,
    string Status,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Tags)
{
    public static RunView Of(Run run) => new(
        run.Info.RunId,
        run.Info.RunName,
        run.Info.ExperimentId,
        run.Info.Status.ToName(),
        run.Info.StartedAt,
        run.Info.EndedAt,
        new SortedDictionary<string, string>(run.Params.ToDictionary(), StringComparer.Ordinal),
        run.LatestValues(),
        new SortedDictionary<string, string>(run.Tags.ToDictionary(), StringComparer.Ordinal));
}

/// <summary>One logged value of a metric.</summary>
internal sealed record MetricPoint(long Step, double Value, DateTimeOffset Timestamp);

/// <summary><c>kohonen runs show --json</c>: the run, every metric's history and the artifacts.</summary>
internal sealed record RunDetails(RunView Run, IReadOnlyDictionary<string, IReadOnlyList<MetricPoint>> History, IReadOnlyList<string> Artifacts);

/// <summary><c>kohonen runs list --json</c>.</summary>
internal sealed record RunList(string Store, IReadOnlyList<RunView> Runs);

/// <summary><c>kohonen runs best --json</c>: the run and the rule that picked it.</summary>
internal sealed record BestRun(string Metric, bool Ascending, double Value, RunView Run);

/// <summary><c>kohonen runs export --json</c>.</summary>
internal sealed record ExportedRun(string RunId, string Folder, IReadOnlyList<string> Files);
