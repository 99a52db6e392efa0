using System.Globalization;
using System.Text;

namespace Kohonen.Cli.Commands;

/// <summary>
/// <c>impute</c> for a model with categorical columns: the table read and encoded as <c>predict</c>
/// reads it, each row's missing values filled from its BMU, and the rows written back in the input's
/// columns: a numeric cell as read or, when missing, the BMU's weight in the feature's own units; a
/// categorical cell as read or, when missing or unseen in training, the category with the largest share
/// at the BMU (the first in the model's order on a tie).
/// </summary>
internal static class CategoricalImpute
{
    /// <summary>The filled rows as CSV text, how many cells were filled, and the input numbers of the
    /// rows written with their holes left (every feature missing).</summary>
    internal sealed record Result(StringBuilder Csv, int Rows, int NumericFilled, int CategoricalFilled, IReadOnlyList<int> Unfilled);

    /// <summary>Reads, fills and formats the rows of <paramref name="dataPath"/>: every row, in order,
    /// its input row number first.</summary>
    /// <exception cref="UsageException">The table's columns do not fit the model.</exception>
    public static Result Run(SomModel model, string dataPath, IReadOnlyList<string>? columns, DataReading reading, CliConsole console)
    {
        var encoder = model.Encoder!;
        var table = PredictEncoding.ReadTable(model, dataPath, columns, null, reading, console);
        var rows = table.Data;
        if (rows.Columns != model.Dimension)
        {
            throw new UsageException(
                $"the model expects {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); {dataPath} gives {rows.Columns} ({string.Join(", ", rows.ColumnNames)}). Choose them with --columns.");
        }

        foreach (var notice in DataFiles.Notices(dataPath, table, reading, counts: false))
        {
            console.Error.WriteLine(notice);
        }

        var (filled, unfilled) = ImputeCommand.Fill(model, rows);
        var holes = unfilled.ToHashSet();

        // The categorical columns' text as read (the model's categorical columns are read first, in
        // its order), written back as it is in a row that cannot be filled.
        var texts = table.TextColumns.Values.ToList();
        var order = OutputOrder(encoder, table.Header);
        var first = FirstFeatures(encoder);
        var categoricalIndex = CategoricalIndex(encoder);
        var csv = new StringBuilder();
        csv.Append("row,").AppendJoin(',', order.Select(c => PredictionCsv.Quote(encoder.Columns[c]))).Append('\n');
        int numeric = 0, categorical = 0;
        for (var r = 0; r < rows.Rows; r++)
        {
            var read = rows.Row(r);
            var done = filled.Row(r);
            var hole = holes.Contains(r);
            csv.Append(ImputeCommand.RowNumber(table.RowNumbers, r).ToString(CultureInfo.InvariantCulture));
            foreach (var c in order)
            {
                csv.Append(',');
                var f = first[c];
                if (encoder.Kinds[c] == FeatureKind.Numeric)
                {
                    if (!hole)
                    {
                        numeric += float.IsNaN(read[f]) ? 1 : 0;
                        csv.Append(done[f].ToString(CultureInfo.InvariantCulture));
                    }

                    continue;
                }

                var categories = encoder.Categories[c];
                if (hole)
                {
                    var k = categoricalIndex[c];
                    var text = k < texts.Count && r < texts[k].Count ? texts[k][r] : "";
                    csv.Append(CategoryText.IsMissing(text) ? "" : PredictionCsv.Quote(text));
                    continue;
                }

                var wasMissing = float.IsNaN(read[f]);
                categorical += wasMissing ? 1 : 0;
                csv.Append(PredictionCsv.Quote(categories[Largest(wasMissing ? done.Slice(f, categories.Count) : read.Slice(f, categories.Count))]));
            }

            csv.Append('\n');
        }

        return new Result(csv, rows.Rows, numeric, categorical, [.. unfilled.Select(i => ImputeCommand.RowNumber(table.RowNumbers, i))]);
    }

    /// <summary>For each categorical input column, its position among the categorical columns.</summary>
    private static int[] CategoricalIndex(FeatureEncoder encoder)
    {
        var index = new int[encoder.Columns.Count];
        var next = 0;
        for (var c = 0; c < index.Length; c++)
        {
            index[c] = encoder.Kinds[c] == FeatureKind.Categorical ? next++ : -1;
        }

        return index;
    }

    /// <summary>The index of the largest value, the first on a tie: for a row's one-hot features the
    /// category it holds, for a node's shares the category most of its rows held.</summary>
    private static int Largest(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The model's input columns in the order the file's header has them (the model's order
    /// without a header).</summary>
    private static List<int> OutputOrder(FeatureEncoder encoder, IReadOnlyList<string>? header)
    {
        var indices = Enumerable.Range(0, encoder.Columns.Count);
        if (header is null)
        {
            return [.. indices];
        }

        return [.. indices.OrderBy(c => Position(header, encoder.Columns[c]))];
    }

    private static int Position(IReadOnlyList<string> header, string column)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>Each input column's first feature: its own for a numeric column, its first
    /// category's for a categorical one.</summary>
    private static int[] FirstFeatures(FeatureEncoder encoder)
    {
        var first = new int[encoder.Columns.Count];
        var next = 0;
        for (var c = 0; c < first.Length; c++)
        {
            first[c] = next;
            next += encoder.Kinds[c] == FeatureKind.Numeric ? 1 : encoder.Categories[c].Count;
        }

        return first;
    }
}
