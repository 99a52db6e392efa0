namespace Kohonen;

/// <summary>What <see cref="CsvDataReader"/> read: the features, and the labels when a label column
/// was named.</summary>
/// <param name="Data">The feature matrix, with the columns' names.</param>
/// <param name="Labels">One label per row, or null.</param>
public sealed record CsvData(DataMatrix Data, IReadOnlyList<string>? Labels)
{
    /// <summary>The header row, or null when the file has none (its first row is data).</summary>
    public IReadOnlyList<string>? Header { get; init; }

    /// <summary>The field separator used (given or detected); ',' for a file that is not text.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>For each row of <see cref="Data"/>, its 1-based number among the file's data rows (the
    /// header and blank lines not counted): the row's own number, even when rows before it were
    /// skipped. Null when not known.</summary>
    public IReadOnlyList<int>? RowNumbers { get; init; }

    /// <summary>The number of missing feature values read as NaN in the rows kept.</summary>
    public long MissingCells { get; init; }

    /// <summary>The number of rows skipped because more than
    /// <see cref="CsvReadOptions.MaxMissing"/> of their features were missing.</summary>
    public long SkippedRows { get; init; }

    /// <summary>The text of the columns asked for in <see cref="CsvReadOptions.TextColumns"/> (and the
    /// text columns of a Parquet file), keyed by the column's name as asked, one value per row of
    /// <see cref="Data"/>; empty when none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> TextColumns { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The number of missing categories (an empty cell, NA, NaN or null in a categorical
    /// column) in the rows kept, for the reader of a table whose categories are encoded; the readers
    /// read categories as text and leave it 0.</summary>
    public long MissingCategories { get; init; }

    /// <summary>True when the first row was taken as the header because
    /// <see cref="CsvReadOptions.HasHeader"/> said so, although every cell of its feature columns is a
    /// number or a missing value (at least one a number): a row that looks like data.</summary>
    public bool HeaderLooksLikeData { get; init; }
}
