namespace Kohonen;

/// <summary>What <see cref="CsvDataReader"/> read: the features, and the labels when a label column
/// was named.</summary>
/// <param name="Data">The feature matrix, with the columns' names.</param>
/// <param name="Labels">One label per row, or null.</param>
public sealed record CsvData(DataMatrix Data, IReadOnlyList<string>? Labels);
