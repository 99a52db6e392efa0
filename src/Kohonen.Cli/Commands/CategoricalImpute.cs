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
    /// <summary>The filled rows as CSV text and how many cells were filled.</summary>
    internal sealed record Result(StringBuilder Csv, int Rows, int NumericFilled, int CategoricalFilled);

    /// <summary>Reads, fills and formats the rows of <paramref name="dataPath"/>.</summary>
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

        foreach (var notice in DataFiles.Notices(dataPath, table, reading))
        {
            console.Error.WriteLine(notice);
        }

        var filled = model.Impute(rows);
        var order = OutputOrder(encoder, table.Header);
        var first = FirstFeatures(encoder);
        var csv = new StringBuilder();
        csv.AppendJoin(',', order.Select(c => PredictionCsv.Quote(encoder.Columns[c]))).Append('\n');
        int numeric = 0, categorical = 0;
        for (var r = 0; r < rows.Rows; r++)
        {
            var read = rows.Row(r);
            var done = filled.Row(r);
            for (var i = 0; i < order.Count; i++)
            {
                if (i > 0)
                {
                    csv.Append(',');
                }

                var c = order[i];
                var f = first[c];
                if (encoder.Kinds[c] == FeatureKind.Numeric)
                {
                    numeric += float.IsNaN(read[f]) ? 1 : 0;
                    csv.Append(done[f].ToString(CultureInfo.InvariantCulture));
                    continue;
                }

                var categories = encoder.Categories[c];
                var wasMissing = float.IsNaN(read[f]);
                categorical += wasMissing ? 1 : 0;
                csv.Append(PredictionCsv.Quote(categories[Largest(wasMissing ? done.Slice(f, categories.Count) : read.Slice(f, categories.Count))]));
            }

            csv.Append('\n');
        }

        return new Result(csv, rows.Rows, numeric, categorical);
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
