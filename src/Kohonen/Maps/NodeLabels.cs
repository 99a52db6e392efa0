using System.Globalization;

namespace Kohonen;

/// <summary>
/// The labels a map keeps: for every node, a weight per class (how many training rows of each class
/// the node won, or for a supervised map the node's label layer), and from it each node's label and
/// confidence. Immutable.
/// </summary>
/// <remarks>
/// <para>Classes are kept in their natural order (<see cref="NaturalOrder"/>): numbers numerically,
/// before text, text in ordinal order.</para>
/// <para>A node whose weights sum to zero (it won no row) borrows the distribution of the nearest node
/// on the grid that has one, by <see cref="Grid.SquaredDistance"/> (the torus wraps when the grid
/// does), ties to the lowest node index; <see cref="IsBorrowed"/> tells which nodes did. A node's
/// label is its class of greatest weight (ties to the class that comes first in natural order), its
/// confidence that weight's share of the node's total.</para>
/// </remarks>
public sealed class NodeLabels
{
    private readonly float[] _weights;
    private readonly int[] _source;
    private readonly int[] _label;
    private readonly float[] _confidence;

    /// <summary>Per-node class weights, node-major (<paramref name="weights"/>[node·classes + c]), copied.</summary>
    /// <param name="grid">The map's grid.</param>
    /// <param name="classes">The class names, distinct (any order: they are put in natural order with
    /// their weights).</param>
    /// <param name="weights">NodeCount·classes finite, non-negative values; at least one positive.</param>
    /// <exception cref="ArgumentException">Wrong lengths, repeated classes, or negative, non-finite or
    /// all-zero weights.</exception>
    public NodeLabels(Grid grid, IReadOnlyList<string> classes, ReadOnlySpan<float> weights)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(classes);
        var k = classes.Count;
        if (k == 0)
        {
            throw new ArgumentException("At least one class is needed.", nameof(classes));
        }

        if (classes.Distinct(StringComparer.Ordinal).Count() != k)
        {
            throw new ArgumentException("The class names must be distinct.", nameof(classes));
        }

        if (weights.Length != (long)grid.NodeCount * k)
        {
            throw new ArgumentException($"{grid.NodeCount} nodes × {k} classes need {(long)grid.NodeCount * k} weights; got {weights.Length}.", nameof(weights));
        }

        var order = Enumerable.Range(0, k).OrderBy(i => classes[i], NaturalOrder).ToArray();
        Classes = [.. order.Select(i => classes[i])];
        _weights = new float[weights.Length];
        var any = false;
        for (var node = 0; node < grid.NodeCount; node++)
        {
            for (var c = 0; c < k; c++)
            {
                var w = weights[(node * k) + order[c]];
                if (!float.IsFinite(w) || w < 0)
                {
                    throw new ArgumentException($"Weight of class '{Classes[c]}' at node {node} is {w}; weights must be finite and not negative.", nameof(weights));
                }

                any |= w > 0;
                _weights[(node * k) + c] = w;
            }
        }

        if (!any)
        {
            throw new ArgumentException("Every weight is zero: no node has a label.", nameof(weights));
        }

        Grid = grid;
        _source = Borrow(grid, _weights, k);
        _label = new int[grid.NodeCount];
        _confidence = new float[grid.NodeCount];
        for (var node = 0; node < grid.NodeCount; node++)
        {
            var row = _weights.AsSpan(_source[node] * k, k);
            var best = 0;
            double total = 0;
            for (var c = 0; c < k; c++)
            {
                total += row[c];
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            _label[node] = best;
            _confidence[node] = (float)(row[best] / total);
        }
    }

    /// <summary>Orders labels naturally: two labels that both read as numbers (invariant culture) by
    /// value, numbers before text, text in ordinal order; equal numbers by their text.</summary>
    public static IComparer<string> NaturalOrder { get; } = Comparer<string>.Create(CompareNaturally);

    /// <summary>The grid the labels belong to.</summary>
    public Grid Grid { get; }

    /// <summary>The classes, in natural order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The stored weights, node-major: <c>Weights[node·Classes.Count + c]</c>, before any
    /// borrowing.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The label of a node (its own distribution's, or the one it borrowed).</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public string LabelOf(int node) => Classes[_label[CheckNode(node)]];

    /// <summary>The position of the node's label in <see cref="Classes"/>.</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public int ClassOf(int node) => _label[CheckNode(node)];

    /// <summary>The share of the node's label in its distribution, in (0, 1].</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public float ConfidenceOf(int node) => _confidence[CheckNode(node)];

    /// <summary>Whether the node won no row and borrowed the distribution of its nearest labelled
    /// node.</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public bool IsBorrowed(int node) => _source[CheckNode(node)] != node;

    /// <summary>The node whose distribution <paramref name="node"/> uses: itself, or the nearest
    /// labelled node on the grid.</summary>
    /// <param name="node">The node index, y·Width + x.</param>
    public int SourceOf(int node) => _source[CheckNode(node)];

    /// <summary>The label of every node, indexed [x, y].</summary>
    public GridValues<string> ToGrid() => new(Grid.Width, Grid.Height, [.. _label.Select(c => Classes[c])]);

    /// <summary>Counts, per node, the labels of the rows whose BMU it is (for rows placed outside
    /// <see cref="SomModel.WithLabels(DataMatrix, IReadOnlyList{string})"/>, e.g. a chunk at a time).</summary>
    /// <param name="grid">The map's grid.</param>
    /// <param name="bmuIndex">Each row's BMU node index.</param>
    /// <param name="labels">Each row's label.</param>
    /// <exception cref="ArgumentException">Not one label per BMU, no rows, or a node index off the grid.</exception>
    public static NodeLabels Count(Grid grid, IReadOnlyList<int> bmuIndex, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(grid);
        CheckRows(grid, bmuIndex, labels.Count);
        var classes = labels.Distinct(StringComparer.Ordinal).Order(NaturalOrder).ToList();
        var position = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var weights = new float[grid.NodeCount * classes.Count];
        for (var r = 0; r < labels.Count; r++)
        {
            weights[(bmuIndex[r] * classes.Count) + position[labels[r]]] += 1;
        }

        return new NodeLabels(grid, classes, weights);
    }

    /// <summary>Checks one value per BMU, at least one row, and every BMU on the grid.</summary>
    internal static void CheckRows(Grid grid, IReadOnlyList<int> bmuIndex, int values)
    {
        ArgumentNullException.ThrowIfNull(bmuIndex);
        if (bmuIndex.Count != values || values == 0)
        {
            throw new ArgumentException($"There are {bmuIndex.Count} BMUs and {values} values; one value per row, and at least one row, is needed.", nameof(bmuIndex));
        }

        if (bmuIndex.Any(i => (uint)i >= (uint)grid.NodeCount))
        {
            throw new ArgumentException($"A BMU index is off the {grid.NodeCount}-node grid.", nameof(bmuIndex));
        }
    }

    /// <summary>For each node, itself if its weights sum above zero, else the nearest such node on the
    /// grid, ties to the lowest index.</summary>
    internal static int[] Borrow(Grid grid, float[] weights, int k)
    {
        var n = grid.NodeCount;
        var labelled = new List<int>();
        for (var node = 0; node < n; node++)
        {
            var sum = 0.0;
            for (var c = 0; c < k; c++)
            {
                sum += weights[(node * k) + c];
            }

            if (sum > 0)
            {
                labelled.Add(node);
            }
        }

        var source = new int[n];
        for (var node = 0; node < n; node++)
        {
            var best = -1;
            var bestD = double.PositiveInfinity;
            foreach (var candidate in labelled)
            {
                if (candidate == node)
                {
                    best = node;
                    break;
                }

                var d = grid.SquaredDistance(node, candidate);
                if (d < bestD)
                {
                    bestD = d;
                    best = candidate;
                }
            }

            source[node] = best;
        }

        return source;
    }

    private int CheckNode(int node)
    {
        if ((uint)node >= (uint)_label.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(node), node, $"A node index is 0..{_label.Length - 1}.");
        }

        return node;
    }

    private static int CompareNaturally(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var aNumber = double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x);
        var bNumber = double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y);
        if (aNumber && bNumber)
        {
            var byValue = x.CompareTo(y);
            return byValue != 0 ? byValue : string.CompareOrdinal(a, b);
        }

        return aNumber ? -1 : bNumber ? 1 : string.CompareOrdinal(a, b);
    }
}
