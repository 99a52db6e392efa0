namespace Kohonen.Tracking;

/// <summary>A run with its data: params, the latest value of each metric, and tags.</summary>
/// <param name="Info">Identity and state.</param>
/// <param name="Params">Parameters (each logged once, never changed).</param>
/// <param name="Metrics">The latest value of each metric (the highest step; the last logged at
/// that step).</param>
/// <param name="Tags">Tags (may be overwritten).</param>
public sealed record Run(
    RunInfo Info,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, Metric> Metrics,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>The latest value of each metric by key, keys in ordinal order.</summary>
    public IReadOnlyDictionary<string, double> LatestValues() =>
        new SortedDictionary<string, double>(Metrics.ToDictionary(m => m.Key, m => m.Value.Value), StringComparer.Ordinal);
}
