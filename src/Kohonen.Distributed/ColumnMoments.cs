namespace Kohonen.Distributed;

/// <summary>
/// A scaler's first pass as it passes from partition to partition in row order: per column the
/// minimum, maximum and sum of the raw values so far (the sum in row order, as one machine adds it),
/// and the rows seen.
/// </summary>
[GenerateSerializer]
public sealed class ColumnMoments
{
    /// <summary>Per column, the least value so far.</summary>
    [Id(0)]
    public required double[] Min { get; init; }

    /// <summary>Per column, the greatest value so far.</summary>
    [Id(1)]
    public required double[] Max { get; init; }

    /// <summary>Per column, the values added one after the other in row order (the squared
    /// deviations from the mean in the second pass).</summary>
    [Id(2)]
    public required double[] Sum { get; init; }

    /// <summary>The rows seen so far.</summary>
    [Id(3)]
    public long Rows { get; init; }
}
