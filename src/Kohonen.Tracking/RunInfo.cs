namespace Kohonen.Tracking;

/// <summary>A run's identity and state.</summary>
/// <param name="RunId">32 lower-case hex digits.</param>
/// <param name="ExperimentId">The experiment it belongs to.</param>
/// <param name="RunName">Its name.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="StartTime">When it started (milliseconds since the Unix epoch).</param>
/// <param name="EndTime">When it ended, or null while running.</param>
public sealed record RunInfo(string RunId, string ExperimentId, string RunName, RunStatus Status, long StartTime, long? EndTime)
{
    /// <summary><see cref="StartTime"/> as a point in time (UTC).</summary>
    public DateTimeOffset StartedAt => DateTimeOffset.FromUnixTimeMilliseconds(StartTime);

    /// <summary><see cref="EndTime"/> as a point in time (UTC), or null while running.</summary>
    public DateTimeOffset? EndedAt => EndTime is { } end ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null;
}
