namespace Kohonen.Distributed;

/// <summary>
/// A measurement of the map (quantization and topographic error) as it passes from partition to
/// partition in row order: the distances of the rows to their BMUs, the rows whose best two nodes
/// are not neighbours, and the rows, each added in row order.
/// </summary>
[GenerateSerializer]
public sealed class MeasureSums
{
    /// <summary>The sum of the rows' distances to their BMUs so far.</summary>
    [Id(0)]
    public double Distances { get; init; }

    /// <summary>How many rows so far had best two nodes that are not neighbours.</summary>
    [Id(1)]
    public double Apart { get; init; }

    /// <summary>The rows measured so far.</summary>
    [Id(2)]
    public long Rows { get; init; }
}
