namespace Kohonen.Distributed;

/// <summary>
/// How the workers read a CSV, TSV or Parquet file (a .npy file takes none of it): the feature
/// columns and, for text, whether the first row is a header and the field separator. What is left
/// null is decided as one machine decides it (<see cref="CsvReadOptions"/>), once, before the
/// training starts; every partition then reads with the decided values.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class TableReading
{
    /// <summary>The feature columns, each a header (or schema) name or a 0-based index, in the order
    /// wanted; null takes every numeric column.</summary>
    [Id(0)]
    public string[]? Columns { get; init; }

    /// <summary>Whether a text file's first row is a header; null decides it from the first row.</summary>
    [Id(1)]
    public bool? HasHeader { get; init; }

    /// <summary>A text file's field separator; null detects it among ',', ';' and tab.</summary>
    [Id(2)]
    public char? Delimiter { get; init; }

    /// <summary>The options the core's readers take: missing values refused (a cluster trains on
    /// complete rows) and no row skipped for them.</summary>
    internal CsvReadOptions ToCsvOptions(MissingValuePolicy missing = MissingValuePolicy.Error) => new()
    {
        Columns = Columns,
        HasHeader = HasHeader,
        Delimiter = Delimiter,
        Missing = missing,
        MaxMissing = 1,
    };
}
