namespace Kohonen;

/// <summary>
/// A data file could not be read: the message says what is wrong and where (file, line, column).
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception with its location.</summary>
    /// <param name="message">The full message, location included.</param>
    /// <param name="source">The file (or stream name).</param>
    /// <param name="line">1-based line, or 0 when not about a line.</param>
    /// <param name="column">1-based column (field), or 0 when not about a column.</param>
    public DataFormatException(string message, string source, int line = 0, int column = 0)
        : base(message)
    {
        SourceName = source;
        Line = line;
        Column = column;
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public DataFormatException()
    {
        SourceName = "";
    }

    /// <summary>Creates the exception with a message only.</summary>
    public DataFormatException(string message)
        : base(message)
    {
        SourceName = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceName = "";
    }

    /// <summary>The file or stream name.</summary>
    public string SourceName { get; }

    /// <summary>1-based line, 0 when the error is not about one line.</summary>
    public int Line { get; }

    /// <summary>1-based column, 0 when the error is not about one column.</summary>
    public int Column { get; }

    /// <summary>How the message names the column (<c>'alcohol'</c>, or <c>index 3</c> without a header);
    /// null when the error is not about one column.</summary>
    public string? ColumnLabel { get; init; }

    /// <summary>Whether the cell holds text where a feature's number must be (a column of text that is
    /// neither a label, an id, a category nor left out): callers can word their own advice.</summary>
    public bool IsTextWhereANumberMustBe { get; init; }
}
