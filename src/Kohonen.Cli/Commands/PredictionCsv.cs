using System.Globalization;
using System.Text;

namespace Kohonen.Cli.Commands;

/// <summary>The CSV <c>kohonen predict</c> prints: <c>row</c> (the input's 1-based data row: the header
/// and blank lines not counted, and a skipped row's number not reused), the id columns
/// (<c>--id-column</c>) with their text unchanged, <c>bmu_x,bmu_y,distance</c>, and when the model keeps
/// labels, a target or segments, <c>label</c>, <c>label_confidence</c>, <c>target</c>,
/// <c>target_spread</c>, <c>segment</c>. An id column named like one of these is written as
/// <c>input_</c> and its name (<c>input_label</c>), so that every column's name says what it holds.</summary>
internal static class PredictionCsv
{
    /// <summary>The CSV of rows numbered 1, 2, … .</summary>
    public static StringBuilder Write(SomModel model, IReadOnlyList<Bmu> bmus) => Write(model, bmus, [], null);

    /// <summary>The CSV with <paramref name="ids"/> (each a column's name and its value per row) and the
    /// rows' numbers in the input (null for 1, 2, …).</summary>
    public static StringBuilder Write(SomModel model, IReadOnlyList<Bmu> bmus, IReadOnlyList<(string Name, IReadOnlyList<string> Values)> ids, IReadOnlyList<int>? rowNumbers)
    {
        var csv = new StringBuilder(bmus.Count * 48);
        var own = OwnColumns(model);
        csv.Append("row,");
        foreach (var name in IdHeaders(ids.Select(id => id.Name), own))
        {
            csv.Append(Quote(name)).Append(',');
        }

        csv.AppendJoin(',', own.Skip(1)).Append('\n');
        for (var r = 0; r < bmus.Count; r++)
        {
            var b = bmus[r];
            csv.Append(CultureInfo.InvariantCulture, $"{rowNumbers?[r] ?? r + 1},");

            foreach (var id in ids)
            {
                csv.Append(Quote(id.Values[r])).Append(',');
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

    /// <summary>The columns predict writes itself, in order, after <c>row</c>'s place.</summary>
    private static List<string> OwnColumns(SomModel model)
    {
        List<string> own = ["row", "bmu_x", "bmu_y", "distance"];
        if (model.Labels is not null)
        {
            own.AddRange(["label", "label_confidence"]);
        }

        if (model.Targets is not null)
        {
            own.AddRange(["target", "target_spread"]);
        }

        if (model.Segments is not null)
        {
            own.Add("segment");
        }

        return own;
    }

    /// <summary>The id columns' headers: each its own name, or <c>input_</c> and the name (again, until
    /// unique) when predict writes a column of that name or an earlier id column took it.</summary>
    internal static List<string> IdHeaders(IEnumerable<string> names, IReadOnlyCollection<string> own)
    {
        var taken = new HashSet<string>(own, StringComparer.Ordinal);
        var headers = new List<string>();
        foreach (var name in names)
        {
            var header = name;
            while (!taken.Add(header))
            {
                header = "input_" + header;
            }

            headers.Add(header);
        }

        return headers;
    }

    /// <summary>A CSV field: quoted when it holds a comma, a quote or a line break.</summary>
    internal static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
}
