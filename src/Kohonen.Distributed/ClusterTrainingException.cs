namespace Kohonen.Distributed;

/// <summary>A training across a cluster could not go on: no worker answered within the retries,
/// or a worker could not read the data.</summary>
public sealed class ClusterTrainingException : Exception
{
    /// <summary>An exception with a message.</summary>
    public ClusterTrainingException()
        : base("The cluster training failed.")
    {
    }

    /// <summary>An exception with a message.</summary>
    public ClusterTrainingException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and its cause.</summary>
    public ClusterTrainingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
