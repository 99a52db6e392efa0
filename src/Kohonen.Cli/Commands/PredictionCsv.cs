using System.Globalization;
using System.Text;

namespace Kohonen.Cli.Commands;

/// <summary>The CSV <c>kohonen predict</c> prints: <c>bmu_x,bmu_y,distance</c>, and when the model
/// keeps labels, a target or segments, first the 1-based <c>row</c> and then <c>label</c>,
/// <c>label_confidence</c>, <c>target</c>, <c>target_spread</c>, <c>segment</c>.</summary>
internal static class PredictionCsv
{
    public static StringBuilder Write(SomModel model, IReadOnlyList<Bmu> bmus)
    {
        var extra = model.Labels is not null || model.Targets is not null || model.Segments is not null;
        var csv = new StringBuilder(bmus.Count * (extra ? 48 : 24));
        if (extra)
        {
            csv.Append("row,");
        }

        csv.Append("bmu_x,bmu_y,distance");
        if (model.Labels is not null)
        {
            csv.Append(",label,label_confidence");
        }

        if (model.Targets is not null)
        {
            csv.Append(",target,target_spread");
        }

        if (model.Segments is not null)
        {
            csv.Append(",segment");
        }

        csv.Append('\n');
        for (var r = 0; r < bmus.Count; r++)
        {
            var b = bmus[r];
            if (extra)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{r + 1},");
            }

            csv.Append(CultureInfo.InvariantCulture, $"{b.X},{b.Y},{b.Distance:R}");
            if (model.Labels is { } labels)
            {
                csv.Append(',').Append(Quote(labels.LabelOf(b.Index))).Append(CultureInfo.InvariantCulture, $",{labels.ConfidenceOf(b.Index):0.####}");
            }

            if (model.Targets is { } targets)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{targets.TargetOf(b.Index):R},{targets.SpreadOf(b.Index):R}");
            }

            if (model.Segments is { } segments)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{segments.SegmentOf(b.Index)}");
            }

            csv.Append('\n');
        }

        return csv;
    }

    /// <summary>A CSV field: quoted when it holds a comma, a quote or a line break.</summary>
    internal static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
}
