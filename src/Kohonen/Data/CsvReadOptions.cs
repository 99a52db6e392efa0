namespace Kohonen;

/// <summary>How <see cref="CsvDataReader"/> reads a file.</summary>
public sealed record CsvReadOptions
{
    /// <summary>The feature columns, each a header name or a 0-based index, in the order wanted. Null
    /// (the default) takes every column but the label column.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>A column (header name or 0-based index) read as text labels rather than features.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Columns (header names or 0-based indices) read as text categories rather than features,
    /// kept in <see cref="CsvData.Text"/> by column name; an empty cell is kept as empty (missing). Null
    /// (the default) reads none.</summary>
    public IReadOnlyList<string>? TextColumns { get; init; }

    /// <summary>Whether the first row is a header. Null (the default) detects it: the first row is a
    /// header when any of its cells is not a number.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>The field separator. Default ','.</summary>
    public char Delimiter { get; init; } = ',';
}
