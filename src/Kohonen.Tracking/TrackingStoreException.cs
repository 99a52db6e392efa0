namespace Kohonen.Tracking;

/// <summary>The store itself cannot be used: the disk is full, the database is read-only, damaged or
/// locked, or it holds a value this version does not know. The message names the store's folder and
/// says what is wrong; nothing about the request caused it.</summary>
public sealed class TrackingStoreException : TrackingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="storePath">The store's folder.</param>
    /// <param name="message">The full message, the folder named.</param>
    /// <param name="innerException">The database's own error, or null.</param>
    public TrackingStoreException(string storePath, string message, Exception? innerException = null)
        : base(message, innerException!)
    {
        StorePath = storePath;
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public TrackingStoreException()
    {
        StorePath = "";
    }

    /// <summary>Creates the exception with a message only.</summary>
    public TrackingStoreException(string message)
        : base(message)
    {
        StorePath = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TrackingStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
        StorePath = "";
    }

    /// <summary>The store's folder (empty when not known).</summary>
    public string StorePath { get; }
}
