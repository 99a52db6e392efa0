namespace Kohonen.Distributed;

/// <summary>What a worker found in a data file: its rows, columns and column names.</summary>
[GenerateSerializer, Immutable]
public sealed class DataShape
{
    /// <summary>The rows in the file.</summary>
    [Id(0)]
    public int Rows { get; init; }

    /// <summary>The columns (features) of every row.</summary>
    [Id(1)]
    public int Columns { get; init; }

    /// <summary>The columns' names (column_0, column_1, … when the file names none).</summary>
    [Id(2)]
    public required string[] ColumnNames { get; init; }
}
