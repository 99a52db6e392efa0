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
