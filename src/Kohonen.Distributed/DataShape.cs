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

    /// <summary>Whether a text file's first row is the header (as decided for it); false otherwise.</summary>
    [Id(3)]
    public bool HasHeader { get; init; }

    /// <summary>A text file's field separator (as decided for it); ',' otherwise.</summary>
    [Id(4)]
    public char Delimiter { get; init; } = ',';

    /// <summary>A text file's rows every <see cref="RowStride"/> rows: the byte where row
    /// k × <see cref="RowStride"/> starts (empty for other files), so that a partition seeks near
    /// its first row instead of reading the file from its start.</summary>
    [Id(5)]
    public long[] RowOffsets { get; init; } = [];

    /// <summary>The 1-based line numbers of the rows in <see cref="RowOffsets"/>.</summary>
    [Id(6)]
    public long[] RowLines { get; init; } = [];

    /// <summary>The rows between two entries of <see cref="RowOffsets"/>.</summary>
    [Id(7)]
    public long RowStride { get; init; } = 1;
}
