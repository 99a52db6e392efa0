using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>A run as <c>kohonen runs … --json</c> prints it.</summary>
internal sealed record RunView(
    string RunId,
    string RunName,
    string ExperimentId,
    string? ExperimentName,
    string Status,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Tags)
{
    public static RunView Of(Run run, string? experimentName = null) => new(
        run.Info.RunId,
        run.Info.RunName,
        run.Info.ExperimentId,
        experimentName,
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
internal sealed record RunList(string Store, string? Experiment, IReadOnlyList<RunView> Runs);

/// <summary><c>kohonen runs best --json</c>: the run, the rule that picked it and why.</summary>
internal sealed record BestRun(string Metric, bool Ascending, double Value, string Reason, int ComparableRuns, RunView Run);

/// <summary><c>kohonen runs compare --json</c>: a run with what makes it comparable, and whether it is
/// comparable with the first run (and, when not, what differs).</summary>
internal sealed record ComparedRun(RunView Run, string? DataFile, string? DataRows, string? Scaling, string? FeatureSchema, bool Comparable, string? Difference);

/// <summary><c>kohonen experiments list --json</c>.</summary>
internal sealed record ExperimentView(string ExperimentId, string Name, DateTimeOffset CreationTime, int Runs);

/// <summary><c>kohonen runs delete --json</c>: one deleted run.</summary>
internal sealed record DeletedRun(string RunId, string RunName, IReadOnlyList<string> Artifacts);

/// <summary><c>kohonen runs export --json</c>.</summary>
internal sealed record ExportedRun(string RunId, string Folder, IReadOnlyList<string> Files);
