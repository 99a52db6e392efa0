namespace Kohonen;

/// <summary>
/// A numeric target a map keeps: per node, the mean and the spread (population standard deviation) of
/// the target over the training rows the node won, and how many rows that was. Immutable.
/// </summary>
/// <remarks>A node that won no row borrows the mean and spread of the nearest node on the grid that
/// won some (<see cref="Grid.SquaredDistance"/>, ties to the lowest node index), the same rule as
/// <see cref="NodeLabels"/>.</remarks>
public sealed class NodeTargets
{
    private readonly float[] _mean;
    private readonly float[] _spread;
    private readonly float[] _count;
    private readonly int[] _source;

    /// <summary>Per-node statistics, each NodeCount values (copied).</summary>
    /// <param name="grid">The map's grid.</param>
    /// <param name="name">The target's name (the column it came from).</param>
    /// <param name="mean">Each node's mean target (any value where the count is 0).</param>
    /// <param name="spread">Each node's standard deviation, not negative.</param>
    /// <param name="count">How many rows each node won, not negative; at least one positive.</param>
    /// <exception cref="ArgumentException">Wrong lengths, or non-finite or negative values.</exception>
    public NodeTargets(Grid grid, string name, ReadOnlySpan<float> mean, ReadOnlySpan<float> spread, ReadOnlySpan<float> count)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(name);
        var n = grid.NodeCount;
        if (mean.Length != n || spread.Length != n || count.Length != n)
        {
            throw new ArgumentException($"{n} nodes need {n} means, spreads and counts; got {mean.Length}, {spread.Length} and {count.Length}.");
        }

        for (var i = 0; i < n; i++)
        {
            if (!float.IsFinite(mean[i]) || !float.IsFinite(spread[i]) || spread[i] < 0 || !float.IsFinite(count[i]) || count[i] < 0)
            {
                throw new ArgumentException($"Node {i}: mean {mean[i]}, spread {spread[i]}, count {count[i]}; all must be finite, spread and count not negative.");
            }
        }

        Grid = grid;
        Name = name;
        _mean = mean.ToArray();
        _spread = spread.ToArray();
        _count = count.ToArray();
        if (!_count.Any(c => c > 0))
        {
            throw new ArgumentException("No node won a row: there is no target to keep.", nameof(count));
        }

        _source = NodeLabels.Borrow(grid, _count, 1);
    }

    /// <summary>The grid the targets belong to.</summary>
    public Grid Grid { get; }

    /// <summary>The target's name.</summary>
    public string Name { get; }

    /// <summary>The stored means, one per node, before borrowing.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>The stored spreads, one per node, before borrowing.</summary>
    public ReadOnlySpan<float> Spread => _spread;

    /// <summary>The rows each node won.</summary>
    public ReadOnlySpan<float> Count => _count;

    /// <summary>The predicted target of a node: its mean, or the nearest node's that won rows.</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public float TargetOf(int node) => _mean[_source[node]];

    /// <summary>The spread that goes with <see cref="TargetOf"/>.</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public float SpreadOf(int node) => _spread[_source[node]];

    /// <summary>Whether the node won no row and borrowed its nearest neighbour's values.</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public bool IsBorrowed(int node) => _source[node] != node;

    /// <summary>Mean, spread and count per node of the targets of the rows whose BMU it is, summed in
    /// double in row order (for rows placed outside
    /// <see cref="SomModel.WithTargets(DataMatrix, IReadOnlyList{double}, string)"/>, e.g. a chunk at a time).</summary>
    /// <param name="grid">The map's grid.</param>
    /// <param name="name">The target's name.</param>
    /// <param name="bmuIndex">Each row's BMU node index.</param>
    /// <param name="targets">Each row's target, finite.</param>
    /// <exception cref="ArgumentException">Not one target per BMU, no rows, a node index off the grid,
    /// or a non-finite target.</exception>
    public static NodeTargets Compute(Grid grid, string name, IReadOnlyList<int> bmuIndex, IReadOnlyList<double> targets)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(targets);
        NodeLabels.CheckRows(grid, bmuIndex, targets.Count);
        var n = grid.NodeCount;
        var sum = new double[n];
        var count = new double[n];
        for (var r = 0; r < targets.Count; r++)
        {
            sum[bmuIndex[r]] += targets[r];
            count[bmuIndex[r]]++;
        }

        var squares = new double[n];
        for (var r = 0; r < targets.Count; r++)
        {
            var d = targets[r] - (sum[bmuIndex[r]] / count[bmuIndex[r]]);
            squares[bmuIndex[r]] += d * d;
        }

        var mean = new float[n];
        var spread = new float[n];
        for (var i = 0; i < n; i++)
        {
            mean[i] = count[i] > 0 ? (float)(sum[i] / count[i]) : 0;
            spread[i] = count[i] > 0 ? (float)Math.Sqrt(squares[i] / count[i]) : 0;
        }

        return new NodeTargets(grid, name, mean, spread, [.. count.Select(c => (float)c)]);
    }
}
