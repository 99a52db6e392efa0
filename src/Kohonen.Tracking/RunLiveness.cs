namespace Kohonen.Tracking;

/// <summary>Whether a run's owner is still at work, as far as can be told (see <see cref="RunOwner"/>).</summary>
public enum RunLiveness
{
    /// <summary>The run has ended (FINISHED, FAILED, KILLED).</summary>
    Ended,

    /// <summary>RUNNING, and its owner is alive or its heartbeat is recent.</summary>
    Alive,

    /// <summary>RUNNING, but its owner process on this host is gone (or its process id now belongs to
    /// another process): it will never end by itself.</summary>
    OwnerGone,

    /// <summary>RUNNING, owned by another host (or by an older version that kept no owner), with no
    /// heartbeat for longer than <see cref="RunOwner.StaleAfter"/>.</summary>
    Stale,
}
