using System.Globalization;

namespace Kohonen.Cli.Commands;

/// <summary>What <c>kohonen train</c> keeps beside the codebook (labels, a target, segments) and how
/// it trains with labels (<c>--supervised</c>).</summary>
internal sealed class KeptOptions
{
    private KeptOptions(string? labelColumn, string? targetColumn, bool supervised, double labelWeight, int? clusters, SegmentMethod method)
    {
        LabelColumn = labelColumn;
        TargetColumn = targetColumn;
        Supervised = supervised;
        LabelWeight = labelWeight;
        Clusters = clusters;
        Method = method;
    }

    public string? LabelColumn { get; }

    public string? TargetColumn { get; }

    public bool Supervised { get; }

    public double LabelWeight { get; }

    public int? Clusters { get; }

    public SegmentMethod Method { get; }

    /// <summary>The CSV column read beside the features: the label or the target column.</summary>
    public string? Column => LabelColumn ?? TargetColumn;

    public static KeptOptions From(string? labelColumn, string? targetColumn, bool supervised, double? labelWeight, int? clusters, SegmentMethod method)
    {
        if (labelColumn is not null && targetColumn is not null)
        {
            throw new UsageException("--label-column and --target-column: give one of them (a map keeps either labels or a numeric target).");
        }

        if (supervised && labelColumn is null && targetColumn is null)
        {
            throw new UsageException("--supervised trains with the labels or the target: give --label-column or --target-column too.");
        }

        if (labelWeight is not null && !supervised)
        {
            throw new UsageException("--label-weight goes with --supervised.");
        }

        if (labelWeight is { } w && !(w > 0 && w < 1))
        {
            throw new UsageException($"--label-weight is the label layer's share of the distance, strictly between 0 and 1; got {w.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (clusters is < 1)
        {
            throw new UsageException($"--clusters must be 1 or more; got {clusters}.");
        }

        return new(labelColumn, targetColumn, supervised, labelWeight ?? SupervisedLayer.DefaultLabelWeight, clusters, method);
    }

    /// <summary>The options and rows to train with, and what to add to the trained map.</summary>
    /// <param name="table">The rows read whole, or null when streamed or generated.</param>
    /// <param name="stream">The streamed file, or null; its labels (or target) are counted after
    /// training by one more pass over its chunks.</param>
    /// <param name="options">The training options.</param>
    public TrainingPlan Plan(CsvData? table, DataFiles.Streamed? stream, SomOptions options)
    {
        var plan = PlanCore(table, stream, options);
        if (LabelColumn is null)
        {
            return plan;
        }

        // The labelled map's accuracy on its own training rows: how often a row's BMU carries the row's
        // label (one more BMU pass over the features, read whole or streamed).
        var labels = stream is not null ? stream.Labels : table?.Labels;
        IEnumerable<DataMatrix> Features() => stream is not null ? stream.Source.Chunks() : table is null ? [] : [table.Data];
        return labels is null ? plan : plan with { Measure = m => TrainingAccuracy(m, Features(), labels) };
    }

    /// <summary>The share of rows whose BMU's label is the row's own label, as
    /// <c>training_accuracy</c>; nothing when the map keeps no labels.</summary>
    private static Dictionary<string, double> TrainingAccuracy(SomModel model, IEnumerable<DataMatrix> features, IReadOnlyList<string> labels)
    {
        if (model.Labels is not { } nodeLabels || labels.Count == 0)
        {
            return [];
        }

        // A row without a label (an empty cell) is not scored.
        int row = 0, correct = 0, scored = 0;
        foreach (var chunk in features)
        {
            foreach (var bmu in model.FindBmus(chunk))
            {
                var label = labels[row++];
                if (label.Length > 0)
                {
                    scored++;
                    correct += nodeLabels.LabelOf(bmu.Index) == label ? 1 : 0;
                }
            }
        }

        return row == labels.Count && scored > 0 ? new() { ["training_accuracy"] = (double)correct / scored } : [];
    }

    private TrainingPlan PlanCore(CsvData? table, DataFiles.Streamed? stream, SomOptions options)
    {
        var streamed = stream is not null;
        if (Clusters is { } k && k > options.Width * options.Height)
        {
            throw new UsageException($"--clusters {k}: a {options.Width}×{options.Height} map has only {options.Width * options.Height} nodes to group.");
        }

        if (streamed && Supervised)
        {
            throw new UsageException("--supervised reads the whole table in memory; drop --batch-size.");
        }

        var data = streamed ? null : table?.Data;
        var read = streamed ? stream!.Labels : table?.Labels;
        var labels = LabelColumn is null ? null : read;
        var targets = TargetColumn is null || read is null ? null : Numbers(read);
        if (labels is not null && DataFiles.Unlabelled(labels) is var unlabelled and > 0)
        {
            if (unlabelled == labels.Count)
            {
                throw new UsageException($"--label-column {LabelColumn}: every row's label is empty, so there is nothing to label the nodes with; choose the column that holds the labels.");
            }

            if (Supervised)
            {
                throw new UsageException($"--supervised trains with every row's label; {unlabelled} row(s) have an empty label ({LabelColumn}). Fill them, or train without --supervised (unlabelled rows then train the map and give no vote to the node labels).");
            }
        }

        var seed = options.Seed ?? 0;
        SomModel Segment(SomModel model) => Clusters is { } count
            ? model.WithSegments(CodebookClustering.Segment(model, count, Method, data, seed))
            : model;

        if (Supervised && labels is not null && data is not null)
        {
            var layer = SupervisedLayer.Create(data, labels, options.Scaling, LabelWeight);
            return new TrainingPlan(options with { Scaling = Scaling.None }, DataSource.FromMatrix(layer.Input), m => Segment(layer.Split(m)));
        }

        if (Supervised && targets is not null && data is not null)
        {
            var layer = SupervisedLayer.CreateForTarget(data, targets, TargetColumn!, options.Scaling, LabelWeight);
            return new TrainingPlan(options with { Scaling = Scaling.None }, DataSource.FromMatrix(layer.Input), m => Segment(layer.Split(m)));
        }

        if (streamed)
        {
            return new TrainingPlan(options, null, m =>
            {
                if (labels is null && targets is null)
                {
                    return Segment(m);
                }

                var bmus = new List<int>(stream!.Source.Rows);
                foreach (var chunk in stream.Source.Chunks())
                {
                    bmus.AddRange(m.FindBmus(chunk).Select(b => b.Index));
                }

                m = labels is not null
                    ? m.WithLabels(CountLabels(m.Grid, bmus, labels))
                    : m.WithTargets(NodeTargets.Compute(m.Grid, TargetColumn!, bmus, targets!));
                return Segment(m);
            });
        }

        return new TrainingPlan(options, null, m =>
        {
            if (labels is not null)
            {
                m = m.WithLabels(CountLabels(m.Grid, [.. m.FindBmus(data!).Select(b => b.Index)], labels));
            }

            if (targets is not null)
            {
                m = m.WithTargets(data!, targets, TargetColumn!);
            }

            return Segment(m);
        });
    }

    /// <summary>The node labels counted from the labelled rows: a row with an empty label gives no
    /// vote.</summary>
    private static NodeLabels CountLabels(Grid grid, IReadOnlyList<int> bmus, IReadOnlyList<string> labels)
    {
        if (DataFiles.Unlabelled(labels) == 0)
        {
            return NodeLabels.Count(grid, bmus, labels);
        }

        var labelled = Enumerable.Range(0, labels.Count).Where(i => labels[i].Length > 0).ToArray();
        return NodeLabels.Count(grid, [.. labelled.Select(i => bmus[i])], [.. labelled.Select(i => labels[i])]);
    }

    private IReadOnlyList<double> Numbers(IReadOnlyList<string> texts)
    {
        var values = new double[texts.Count];
        for (var r = 0; r < texts.Count; r++)
        {
            if (!double.TryParse(texts[r], NumberStyles.Float, CultureInfo.InvariantCulture, out values[r]) || !double.IsFinite(values[r]))
            {
                throw new UsageException($"--target-column {TargetColumn}: row {r + 1} holds '{texts[r]}', not a finite number.");
            }
        }

        return values;
    }
}

/// <summary>The options and rows a training runs with (null: the data as read) and what is added to
/// the trained map; <see cref="Measure"/> measures extra final metrics on the finished map (null: none).</summary>
internal sealed record TrainingPlan(SomOptions Options, DataSource? Input, Func<SomModel, SomModel> Complete)
{
    public Func<SomModel, IReadOnlyDictionary<string, double>>? Measure { get; init; }
}
