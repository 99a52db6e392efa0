namespace Kohonen.Distributed;

/// <summary>
/// Where a partition's rows are and what its grain needs to (re)build them on whichever worker it is
/// activated: rows [<see cref="FirstRow"/>, <see cref="FirstRow"/> + <see cref="Rows"/>) of a .npy,
/// CSV, TSV or Parquet file every worker can reach (read as <see cref="Reading"/> says), and the scaler to put them in the training space (null before the
/// scaler is fitted, and when the options do not scale). Every call carries it, so a partition that
/// lost its worker is rebuilt from it elsewhere.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class PartitionSpec
{
    /// <summary>The data file: absolute, or relative to the worker's data root.</summary>
    [Id(0)]
    public required string Path { get; init; }

    /// <summary>The partition's first row among the training's rows, 0-based (in the file, unless
    /// <see cref="FileFirstRow"/> says otherwise).</summary>
    [Id(1)]
    public required long FirstRow { get; init; }

    /// <summary>How many rows the partition holds.</summary>
    [Id(2)]
    public required int Rows { get; init; }

    /// <summary>The rows of the whole training (the BMU search is planned for it, as on one machine).</summary>
    [Id(3)]
    public required int TotalRows { get; init; }

    /// <summary>The scaler's kind as its <see cref="Kohonen.Scaling"/> number; <see cref="Scaling.None"/>
    /// (0) when the rows are used as they are.</summary>
    [Id(4)]
    public int Scaling { get; init; }

    /// <summary>The scaler's offsets (empty when not scaling).</summary>
    [Id(5)]
    public float[] Offset { get; init; } = [];

    /// <summary>The scaler's factors (empty when not scaling).</summary>
    [Id(6)]
    public float[] Factor { get; init; } = [];

    /// <summary>How a CSV, TSV or Parquet file is read, with the header and separator decided (null
    /// for a .npy file).</summary>
    [Id(7)]
    public TableReading? Reading { get; init; }

    /// <summary>A text file: the byte where a row at or before the partition's first row starts (the
    /// partition reads on from there).</summary>
    [Id(8)]
    public long SeekByte { get; init; }

    /// <summary>The 1-based line number of the row at <see cref="SeekByte"/>.</summary>
    [Id(9)]
    public long SeekLine { get; init; } = 1;

    /// <summary>The 0-based row at <see cref="SeekByte"/>.</summary>
    [Id(10)]
    public long SeekRow { get; init; }

    /// <summary>The partition's first row in its file, 0-based, when the file is a shard of the
    /// training's rows (its own file); null when it is <see cref="FirstRow"/> (one shared file).</summary>
    [Id(11)]
    public long? FileFirstRow { get; init; }

    /// <summary>Where the partition's rows start in its file.</summary>
    internal long FirstRowInFile => FileFirstRow ?? FirstRow;

    /// <summary>This partition with the scaler's values.</summary>
    internal PartitionSpec WithScaler(FeatureScaler scaler) => new()
    {
        Path = Path, FirstRow = FirstRow, Rows = Rows, TotalRows = TotalRows,
        Scaling = (int)scaler.Kind, Offset = scaler.Offset.ToArray(), Factor = scaler.Factor.ToArray(),
        Reading = Reading, SeekByte = SeekByte, SeekLine = SeekLine, SeekRow = SeekRow, FileFirstRow = FileFirstRow,
    };
}
