namespace Kohonen;

/// <summary>What <see cref="CsvDataReader"/> read: the features, and the labels when a label column
/// was named.</summary>
/// <param name="Data">The feature matrix, with the columns' names.</param>
/// <param name="Labels">One label per row, or null.</param>
public sealed record CsvData(DataMatrix Data, IReadOnlyList<string>? Labels)
{
    /// <summary>The text of each column named in <see cref="CsvReadOptions.TextColumns"/>, one value per
    /// row (empty where the cell is), by column name; null when none was named.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string?>>? Text { get; init; }
}
