namespace Kohonen.Distributed;

/// <summary>
/// A worker could not read a partition's data (a missing or unreadable file, a bad value, a missing
/// value, an unknown column): the reader's message, carried back to the coordinator, which stops the
/// training with it instead of trying another worker (any worker would read the same file).
/// </summary>
[GenerateSerializer]
public sealed class WorkerDataException : Exception
{
    /// <summary>An exception with a message.</summary>
    public WorkerDataException()
        : base("A worker could not read the data.")
    {
    }

    /// <summary>An exception with a message.</summary>
    public WorkerDataException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and its cause.</summary>
    public WorkerDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The reader's exception as one the cluster carries back, or the exception as it is
    /// when it is not about the data.</summary>
    internal static Exception From(Exception e) =>
        e is DataFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            || (e is ArgumentException && e is not ArgumentNullException)
            ? new WorkerDataException(e.Message)
            : e;
}
