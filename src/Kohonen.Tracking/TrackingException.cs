namespace Kohonen.Tracking;

/// <summary>A tracking operation was refused (an unknown run, a param that would change, a bad
/// artifact path, a database newer than this build); the message says which.</summary>
public class TrackingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrackingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public TrackingException()
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public TrackingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
