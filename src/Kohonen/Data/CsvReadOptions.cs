namespace Kohonen;

/// <summary>How <see cref="CsvDataReader"/> (and the Parquet reader) reads a file.</summary>
public sealed record CsvReadOptions
{
    /// <summary>The default of <see cref="MaxMissing"/>: 0.5.</summary>
    public const double DefaultMaxMissing = 0.5;

    /// <summary>The feature columns, each a header name or a 0-based index, in the order wanted. Null
    /// (the default) takes every column but the label column and the text columns.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>A column (header name or 0-based index) read as text labels rather than features.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>
    /// Whether the first row is a header. Null (the default) decides from the first row: it is data when
    /// every cell of the feature columns is a number or a missing value; a header when none is a number
    /// (or it holds a column name the options ask for); a row mixing numbers and text is refused, so
    /// that no data row is ever taken for a header silently. <see cref="CsvData.Header"/> tells what was
    /// decided.
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>The field separator. Null (the default) detects it among ',', ';' and tab from the
    /// first lines: the one found the same number of times (outside quotes) on each of them, tab
    /// first, then ';', then ','; a file with none of them is one column. <see cref="CsvData.Delimiter"/>
    /// tells which was used.</summary>
    public char? Delimiter { get; init; }

    /// <summary>Missing feature values (an empty cell, <c>NA</c>, <c>NaN</c> or <c>null</c>, in any
    /// case): read as float NaN (<see cref="MissingValuePolicy.Allow"/>, the default) or refused
    /// (<see cref="MissingValuePolicy.Error"/>). Infinity is always refused.</summary>
    public MissingValuePolicy Missing { get; init; }

    /// <summary>The largest share of a row's features that may be missing, in [0, 1] (default 0.5): a
    /// row with more is skipped and counted in <see cref="CsvData.SkippedRows"/>. 1 skips no row.</summary>
    public double MaxMissing { get; init; } = DefaultMaxMissing;

    /// <summary>Columns (header names or 0-based indices) read as text, unchanged, into
    /// <see cref="CsvData.TextColumns"/>: ids and other columns that are not features.</summary>
    public IReadOnlyList<string>? TextColumns { get; init; }

    /// <summary>Whether an empty cell of <see cref="LabelColumn"/> (a null in Parquet) is read as an
    /// unlabelled row, "" in <see cref="CsvData.Labels"/> (true), or refused naming its line and column
    /// (false, the default).</summary>
    public bool AllowEmptyLabels { get; init; }
}
