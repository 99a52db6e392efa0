namespace Kohonen.Distributed;

/// <summary>
/// Where a partition's rows are and what its grain needs to (re)build them on whichever worker it is
/// activated: rows [<see cref="FirstRow"/>, <see cref="FirstRow"/> + <see cref="Rows"/>) of a .npy
/// file every worker can reach, and the scaler to put them in the training space (null before the
/// scaler is fitted, and when the options do not scale). Every call carries it, so a partition that
/// lost its worker is rebuilt from it elsewhere.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class PartitionSpec
{
    /// <summary>The .npy file: absolute, or relative to the worker's data root.</summary>
    [Id(0)]
    public required string Path { get; init; }

    /// <summary>The partition's first row in the file, 0-based.</summary>
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
}
