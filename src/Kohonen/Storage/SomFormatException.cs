namespace Kohonen;

/// <summary>A file is not a readable <c>.som</c> model: foreign, truncated, altered, or of a newer
/// format version. The message says which.</summary>
public sealed class SomFormatException : IOException
{
    /// <summary>Creates the exception for a file.</summary>
    public SomFormatException(string sourceName, string message)
        : base($"{sourceName}: {message}")
    {
        SourceName = sourceName;
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public SomFormatException()
    {
        SourceName = "";
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SomFormatException(string message)
        : base(message)
    {
        SourceName = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SomFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceName = "";
    }

    /// <summary>The file or stream name.</summary>
    public string SourceName { get; }
}
