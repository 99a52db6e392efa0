namespace Kohonen.Tracking;

/// <summary>No run has the id asked for.</summary>
public sealed class RunNotFoundException : TrackingException
{
    /// <summary>Creates the exception for a run id.</summary>
    public RunNotFoundException(string runId)
        : base($"No run has the id '{runId}'.")
    {
        RunId = runId;
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public RunNotFoundException()
    {
        RunId = "";
    }

    /// <summary>Creates the exception with a cause.</summary>
    public RunNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        RunId = "";
    }

    /// <summary>The id that was asked for.</summary>
    public string RunId { get; }
}
