namespace Kohonen;

/// <summary>
/// Supervised training in the manner of R kohonen's <c>xyf</c>: the label, one-hot encoded, is an extra
/// layer of columns trained with the features, so that classes shape the map; afterwards the label
/// layer becomes the map's label distributions and only the features are kept as the codebook, so
/// predictions use the features alone. A numeric target (<see cref="CreateForTarget"/>) takes part the
/// same way, as one z-scored column.
/// </summary>
/// <remarks>
/// <para>Train on <see cref="Input"/> (the scaled features, then the one-hot columns multiplied by
/// <see cref="LayerScale"/>) with scaling off, through any trainer; then <see cref="Split"/> the
/// trained map.</para>
/// <para>The layer's weight w in (0, 1) sets its share of the distance: the one-hot columns are
/// multiplied by s = √(w/(1 − w) · F / L), F the summed variance of the scaled feature columns and L
/// that of the one-hot columns, so that on average the label layer accounts for a share w of the
/// squared distance between two rows (R kohonen's <c>xyf</c> weighs its two layers ½ and ½ after
/// normalising each by its mean distance: the default w = 0.5 does the same).</para>
/// <para>A target is z-scored (its mean subtracted, divided by its population standard deviation, so
/// its variance is 1) and multiplied by s = √(w/(1 − w) · F), the same rule with L = 1. After
/// training the target column is dropped and the node means and spreads are counted from the rows by
/// their features-only BMUs (<see cref="SomModel.WithTargets(DataMatrix, IReadOnlyList{double}, string)"/>).</para>
/// </remarks>
public sealed class SupervisedLayer
{
    /// <summary>The default share of the label layer in the distance, 0.5.</summary>
    public const double DefaultLabelWeight = 0.5;

    private readonly IReadOnlyList<string> _featureNames;
    private readonly DataMatrix? _features;
    private readonly IReadOnlyList<double>? _targets;

    private SupervisedLayer(DataMatrix input, FeatureScaler? scaler, Scaling scaling, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames, float scale, DataMatrix? features = null, IReadOnlyList<double>? targets = null, string? targetName = null)
    {
        _features = features;
        _targets = targets;
        TargetName = targetName;
        Input = input;
        Scaler = scaler;
        Scaling = scaling;
        Classes = classes;
        _featureNames = featureNames;
        LayerScale = scale;
    }

    /// <summary>The rows to train on: scaled features, then one column per class.</summary>
    public DataMatrix Input { get; }

    /// <summary>The scaler fitted on the features (kept in the final model), or null.</summary>
    public FeatureScaler? Scaler { get; }

    /// <summary>The scaling asked for, restored in the final model's options.</summary>
    public Scaling Scaling { get; }

    /// <summary>The target's name for a target layer (<see cref="CreateForTarget"/>); null for labels.</summary>
    public string? TargetName { get; }

    /// <summary>The classes, in natural order (<see cref="NodeLabels.NaturalOrder"/>); empty for a
    /// target layer.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>s, the value of a row's own class in its one-hot columns (for a target, the factor of
    /// its z-score).</summary>
    public float LayerScale { get; }

    /// <summary>Builds the joint rows.</summary>
    /// <param name="features">The feature rows, finite.</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="scaling">How the features are scaled (fitted here, kept in the model).</param>
    /// <param name="labelWeight">The label layer's share of the distance, in (0, 1); default 0.5.</param>
    /// <exception cref="ArgumentException">Not one label per row, a weight outside (0, 1), or
    /// non-finite features.</exception>
    public static SupervisedLayer Create(DataMatrix features, IReadOnlyList<string> labels, Scaling scaling, double labelWeight = DefaultLabelWeight)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != features.Rows || features.Rows == 0)
        {
            throw new ArgumentException($"There are {features.Rows} rows but {labels.Count} labels; one label per row is needed.", nameof(labels));
        }

        if (!(labelWeight > 0 && labelWeight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelWeight), labelWeight, "The label weight is a share of the distance, strictly between 0 and 1.");
        }

        features.EnsureFinite();
        var scaler = FeatureScaler.Fit(features, scaling);
        var scaled = scaler is null ? features : scaler.Transform(features);
        var classes = labels.Distinct(StringComparer.Ordinal).Order(NodeLabels.NaturalOrder).ToList();
        var position = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var rows = features.Rows;
        var dim = features.Columns;

        var featureVariance = SummedVariance(scaled);

        var labelVariance = 0.0;
        var counts = new int[classes.Count];
        foreach (var label in labels)
        {
            counts[position[label]]++;
        }

        foreach (var n in counts)
        {
            var p = (double)n / rows;
            labelVariance += p * (1 - p);
        }

        var scale = featureVariance > 0 && labelVariance > 0
            ? (float)Math.Sqrt(labelWeight / (1 - labelWeight) * featureVariance / labelVariance)
            : 1f;
        var width = dim + classes.Count;
        var values = new float[(long)rows * width];
        for (var r = 0; r < rows; r++)
        {
            scaled.Row(r).CopyTo(values.AsSpan(r * width, dim));
            values[(r * width) + dim + position[labels[r]]] = scale;
        }

        var names = features.ColumnNames.Concat(classes.Select(c => $"label={c}")).ToList();
        return new SupervisedLayer(DataMatrix.Wrap(values, rows, width, names), scaler, scaling, classes, [.. features.ColumnNames], scale);
    }

    /// <summary>Builds the joint rows for a numeric target: the scaled features, then the target's
    /// z-score multiplied by s = √(w/(1 − w) · F).</summary>
    /// <param name="features">The feature rows, finite.</param>
    /// <param name="targets">One finite target per row.</param>
    /// <param name="name">The target's name (the column it came from).</param>
    /// <param name="scaling">How the features are scaled (fitted here, kept in the model).</param>
    /// <param name="targetWeight">The target layer's share of the distance, in (0, 1); default 0.5.</param>
    /// <exception cref="ArgumentException">Not one finite target per row, a weight outside (0, 1), or
    /// non-finite features.</exception>
    public static SupervisedLayer CreateForTarget(DataMatrix features, IReadOnlyList<double> targets, string name, Scaling scaling, double targetWeight = DefaultLabelWeight)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(name);
        if (targets.Count != features.Rows || features.Rows == 0)
        {
            throw new ArgumentException($"There are {features.Rows} rows but {targets.Count} targets; one target per row is needed.", nameof(targets));
        }

        if (targets.Any(t => !double.IsFinite(t)))
        {
            throw new ArgumentException("Every target must be a finite number.", nameof(targets));
        }

        if (!(targetWeight > 0 && targetWeight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(targetWeight), targetWeight, "The target weight is a share of the distance, strictly between 0 and 1.");
        }

        features.EnsureFinite();
        var scaler = FeatureScaler.Fit(features, scaling);
        var scaled = scaler is null ? features : scaler.Transform(features);
        var rows = features.Rows;
        var dim = features.Columns;
        var mean = targets.Average();
        var sd = Math.Sqrt(targets.Sum(t => (t - mean) * (t - mean)) / rows);
        var featureVariance = SummedVariance(scaled);
        var scale = featureVariance > 0 ? (float)Math.Sqrt(targetWeight / (1 - targetWeight) * featureVariance) : 1f;
        var width = dim + 1;
        var values = new float[(long)rows * width];
        for (var r = 0; r < rows; r++)
        {
            scaled.Row(r).CopyTo(values.AsSpan(r * width, dim));
            values[(r * width) + dim] = sd > 0 ? (float)((targets[r] - mean) / sd * scale) : 0f;
        }

        var names = features.ColumnNames.Append($"target={name}").ToList();
        return new SupervisedLayer(DataMatrix.Wrap(values, rows, width, names), scaler, scaling, [], [.. features.ColumnNames], scale, features, [.. targets], name);
    }

    private static double SummedVariance(DataMatrix scaled)
    {
        var rows = scaled.Rows;
        var variance = 0.0;
        for (var c = 0; c < scaled.Columns; c++)
        {
            double sum = 0, squares = 0;
            var present = 0;
            for (var r = 0; r < rows; r++)
            {
                double v = scaled[r, c];
                if (double.IsNaN(v))
                {
                    continue; // a missing value
                }

                sum += v;
                squares += v * v;
                present++;
            }

            if (present > 0)
            {
                variance += Math.Max(0, (squares / present) - ((sum / present) * (sum / present)));
            }
        }

        return variance;
    }

    /// <summary>The final map from one trained on <see cref="Input"/>: the feature part of the codebook
    /// with the features' scaler, the options with the scaling asked for, the history, and labels
    /// whose per-node weights are the node's label layer divided by s (negative values taken as 0); for a
    /// target layer, instead of labels, the target's node means and spreads counted from the rows.</summary>
    /// <param name="joint">A map trained on <see cref="Input"/>.</param>
    /// <exception cref="ArgumentException">The map was not trained on these rows.</exception>
    public SomModel Split(SomModel joint)
    {
        ArgumentNullException.ThrowIfNull(joint);
        var dim = _featureNames.Count;
        var k = TargetName is null ? Classes.Count : 1;
        if (joint.Dimension != dim + k)
        {
            throw new ArgumentException($"The map has {joint.Dimension} features; {dim} features and {k} extra column(s) were trained.", nameof(joint));
        }

        var nodes = joint.Grid.NodeCount;
        var codebook = new float[nodes * dim];
        var weights = new float[nodes * k];
        for (var node = 0; node < nodes; node++)
        {
            var row = joint.Codebook.Slice(node * (dim + k), dim + k);
            row[..dim].CopyTo(codebook.AsSpan(node * dim, dim));
            for (var c = 0; c < k; c++)
            {
                weights[(node * k) + c] = Math.Max(0f, row[dim + c] / LayerScale);
            }
        }

        var options = joint.Options is null ? null : joint.Options with { Scaling = Scaling };
        var model = new SomModel(joint.Grid, dim, codebook, _featureNames, Scaler, options, joint.History);
        return TargetName is null
            ? model.WithLabels(new NodeLabels(joint.Grid, Classes, weights))
            : model.WithTargets(_features!, _targets!, TargetName);
    }
}
