namespace Kohonen.Tracking;

/// <summary>Where a run is in its life, as MLflow names it.</summary>
public enum RunStatus
{
    /// <summary>Started, not ended.</summary>
    Running,

    /// <summary>Ended normally.</summary>
    Finished,

    /// <summary>Ended by an error.</summary>
    Failed,

    /// <summary>Stopped on purpose (Ctrl+C, cancellation).</summary>
    Killed,
}

/// <summary>The names MLflow gives the states, used by both stores and in every output.</summary>
public static class RunStatusNames
{
    /// <summary><c>RUNNING</c>, <c>FINISHED</c>, <c>FAILED</c> or <c>KILLED</c>.</summary>
    public static string ToName(this RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Finished => "FINISHED",
        RunStatus.Failed => "FAILED",
        RunStatus.Killed => "KILLED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a run status."),
    };
}
