namespace Kohonen.Tracking;

/// <summary>Which runs a search returns, and in which order.</summary>
public sealed record RunQuery
{
    /// <summary>Only runs of these experiments; null for all.</summary>
    public IReadOnlyList<string>? ExperimentIds { get; init; }

    /// <summary>Only runs in this state; null for any.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>Order by the latest value of this metric; runs without it come last. Null orders by
    /// start time, newest first.</summary>
    public string? OrderByMetric { get; init; }

    /// <summary>With <see cref="OrderByMetric"/>: lowest first (the default) or highest first.</summary>
    public bool Ascending { get; init; } = true;

    /// <summary>At most this many runs (1..10000, default 100).</summary>
    public int MaxResults { get; init; } = 100;
}
