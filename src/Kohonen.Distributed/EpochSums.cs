namespace Kohonen.Distributed;

/// <summary>
/// An epoch's running sums as they pass from partition to partition in row order: per node, the sum
/// of the rows it won (node-major, features wide) and their count. Each partition adds its rows onto
/// the sums it is handed, so the last partition hands back the sums one machine makes, bit for bit.
/// </summary>
[GenerateSerializer]
public sealed class EpochSums
{
    /// <summary>Per node, the sum of the rows it won so far (nodes × features).</summary>
    [Id(0)]
    public required double[] Sums { get; init; }

    /// <summary>Per node, how many rows it won so far.</summary>
    [Id(1)]
    public required double[] Counts { get; init; }

    /// <summary>How long the partition took to add its rows (its own clock; zero on the coordinator).</summary>
    [Id(2)]
    public TimeSpan Compute { get; init; }
}
