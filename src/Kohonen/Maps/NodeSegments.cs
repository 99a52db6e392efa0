namespace Kohonen;

/// <summary>
/// The map's nodes grouped into segments: one segment number per node, 0..<see cref="Count"/>−1,
/// numbered in the order of each segment's lowest node index (node 0 is always in segment 0).
/// Immutable.
/// </summary>
public sealed class NodeSegments
{
    private readonly int[] _segment;

    /// <summary>Segments from one number per node (copied and renumbered by lowest node index).</summary>
    /// <param name="grid">The map's grid.</param>
    /// <param name="segmentOfNode">NodeCount numbers, not negative.</param>
    /// <param name="method">How the segments were found.</param>
    /// <exception cref="ArgumentException">Wrong length or a negative number.</exception>
    public NodeSegments(Grid grid, ReadOnlySpan<int> segmentOfNode, SegmentMethod method)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (segmentOfNode.Length != grid.NodeCount)
        {
            throw new ArgumentException($"{grid.NodeCount} nodes need {grid.NodeCount} segment numbers; got {segmentOfNode.Length}.", nameof(segmentOfNode));
        }

        var renumber = new Dictionary<int, int>();
        _segment = new int[segmentOfNode.Length];
        for (var i = 0; i < segmentOfNode.Length; i++)
        {
            if (segmentOfNode[i] < 0)
            {
                throw new ArgumentException($"Node {i} has segment {segmentOfNode[i]}; segments are numbered from 0.", nameof(segmentOfNode));
            }

            if (!renumber.TryGetValue(segmentOfNode[i], out var s))
            {
                s = renumber.Count;
                renumber[segmentOfNode[i]] = s;
            }

            _segment[i] = s;
        }

        Grid = grid;
        Count = renumber.Count;
        Method = method;
    }

    /// <summary>The grid the segments belong to.</summary>
    public Grid Grid { get; }

    /// <summary>The number of segments.</summary>
    public int Count { get; }

    /// <summary>How they were found.</summary>
    public SegmentMethod Method { get; }

    /// <summary>Each node's segment, node index y·Width + x.</summary>
    public ReadOnlySpan<int> Segments => _segment;

    /// <summary>The segment of a node.</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public int SegmentOf(int node) => (uint)node < (uint)_segment.Length
        ? _segment[node]
        : throw new ArgumentOutOfRangeException(nameof(node), node, $"A node index is 0..{_segment.Length - 1}.");

    /// <summary>Each node's segment, indexed [x, y].</summary>
    public GridValues<int> ToGrid() => new(Grid.Width, Grid.Height, [.. _segment]);
}
