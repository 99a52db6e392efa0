namespace Kohonen;

/// <summary>
/// Supervised training in the manner of R kohonen's <c>xyf</c>: the label, one-hot encoded, is an extra
/// layer of columns trained with the features, so that classes shape the map; afterwards the label
/// layer becomes the map's label distributions and only the features are kept as the codebook, so
/// predictions use the features alone.
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
/// </remarks>
public sealed class SupervisedLayer
{
    /// <summary>The default share of the label layer in the distance, 0.5.</summary>
    public const double DefaultLabelWeight = 0.5;

    private readonly IReadOnlyList<string> _featureNames;

    private SupervisedLayer(DataMatrix input, FeatureScaler? scaler, Scaling scaling, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames, float scale)
    {
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

    /// <summary>The classes, in natural order (<see cref="NodeLabels.NaturalOrder"/>).</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>s, the value of a row's own class in its one-hot columns.</summary>
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

        var featureVariance = 0.0;
        for (var c = 0; c < dim; c++)
        {
            double sum = 0, squares = 0;
            for (var r = 0; r < rows; r++)
            {
                double v = scaled[r, c];
                sum += v;
                squares += v * v;
            }

            featureVariance += Math.Max(0, (squares / rows) - ((sum / rows) * (sum / rows)));
        }

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

    /// <summary>The final map from one trained on <see cref="Input"/>: the feature part of the codebook
    /// with the features' scaler, the options with the scaling asked for, the history, and labels
    /// whose per-node weights are the node's label layer divided by s (negative values taken as 0).</summary>
    /// <param name="joint">A map trained on <see cref="Input"/>.</param>
    /// <exception cref="ArgumentException">The map was not trained on these rows.</exception>
    public SomModel Split(SomModel joint)
    {
        ArgumentNullException.ThrowIfNull(joint);
        var dim = _featureNames.Count;
        var k = Classes.Count;
        if (joint.Dimension != dim + k)
        {
            throw new ArgumentException($"The map has {joint.Dimension} features; {dim} features and {k} classes were trained.", nameof(joint));
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
        return model.WithLabels(new NodeLabels(joint.Grid, Classes, weights));
    }
}
