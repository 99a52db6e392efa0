namespace Kohonen;

// SomModel: what a map keeps beside its codebook: labels, a numeric target, segments.
public sealed partial class SomModel
{
    /// <summary>The labels the map keeps (per-node class distributions), or null.</summary>
    public NodeLabels? Labels { get; private init; }

    /// <summary>The numeric target the map keeps (per-node mean and spread), or null.</summary>
    public NodeTargets? Targets { get; private init; }

    /// <summary>The segments the map's nodes are grouped into, or null.</summary>
    public NodeSegments? Segments { get; private init; }

    /// <summary>This map with labels counted from data: each node keeps how many rows of each label
    /// it wins (see <see cref="NodeLabels"/> for empty nodes and ties).</summary>
    /// <param name="data">The rows, matched to the features as <see cref="FindBmus"/> does.</param>
    /// <param name="labels">One label per row.</param>
    /// <exception cref="ArgumentException">Not one label per row, or the data does not fit the map.</exception>
    public SomModel WithLabels(DataMatrix data, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(data);
        if (labels.Count != data.Rows)
        {
            throw new ArgumentException($"There are {data.Rows} rows but {labels.Count} labels; one label per row is needed.", nameof(labels));
        }

        var bmus = FindBmus(data);
        return WithLabels(NodeLabels.Count(Grid, [.. bmus.Select(b => b.Index)], labels));
    }

    /// <summary>This map with the given labels (null removes them).</summary>
    /// <exception cref="ArgumentException">The labels belong to another grid.</exception>
    public SomModel WithLabels(NodeLabels? labels)
    {
        CheckGrid(labels?.Grid);
        return Copy(labels, Targets, Segments);
    }

    /// <summary>This map with a numeric target computed from data: each node keeps the mean and spread
    /// of the targets of the rows it wins.</summary>
    /// <param name="data">The rows, matched to the features as <see cref="FindBmus"/> does.</param>
    /// <param name="targets">One finite value per row.</param>
    /// <param name="name">The target's name.</param>
    /// <exception cref="ArgumentException">Not one finite target per row, or the data does not fit.</exception>
    public SomModel WithTargets(DataMatrix data, IReadOnlyList<double> targets, string name)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count != data.Rows)
        {
            throw new ArgumentException($"There are {data.Rows} rows but {targets.Count} targets; one per row is needed.", nameof(targets));
        }

        for (var r = 0; r < targets.Count; r++)
        {
            if (!double.IsFinite(targets[r]))
            {
                throw new ArgumentException($"The target of row {r} is {targets[r]}; only finite numbers are allowed.", nameof(targets));
            }
        }

        var bmus = FindBmus(data);
        return WithTargets(NodeTargets.Compute(Grid, name, [.. bmus.Select(b => b.Index)], targets));
    }

    /// <summary>This map with the given target statistics (null removes them).</summary>
    /// <exception cref="ArgumentException">They belong to another grid.</exception>
    public SomModel WithTargets(NodeTargets? targets)
    {
        CheckGrid(targets?.Grid);
        return Copy(Labels, targets, Segments);
    }

    /// <summary>This map with the given segments (null removes them).</summary>
    /// <exception cref="ArgumentException">They belong to another grid.</exception>
    public SomModel WithSegments(NodeSegments? segments)
    {
        CheckGrid(segments?.Grid);
        return Copy(Labels, Targets, segments);
    }

    private void CheckGrid(Grid? grid)
    {
        if (grid is not null && !grid.Equals(Grid))
        {
            throw new ArgumentException($"They were made for a {grid} map; this map is {Grid}.");
        }
    }

    private SomModel Copy(NodeLabels? labels, NodeTargets? targets, NodeSegments? segments) =>
        new(Grid, Dimension, _codebook, FeatureNames, Scaler, Options, History) { Labels = labels, Targets = targets, Segments = segments, Hits = Hits, Encoder = Encoder };
}
