using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen evaluate</c>: how well a map fits data, and with labels or a target how well it
/// predicts them.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var modelPath = new Option<string>("--model") { Description = "A trained model (.som).", Required = true };
        var data = new Option<string>("--data") { Description = $"Rows to evaluate on ({DataFiles.Allowed}).", Required = true };
        var columns = new Option<string[]>("--columns") { Description = "CSV feature columns (default: the model's feature names when the header has them).", AllowMultipleArgumentsPerToken = true };
        var labelColumn = new Option<string?>("--label-column") { Description = "The CSV column of true labels (the model must keep labels), or of true targets (the model must keep a target)." };
        var json = CommonOptions.Json();
        var command = new Command("evaluate", "Quantization and topographic error of a map on data; with --label-column, accuracy, per-class precision and recall and the confusion matrix (or RMSE and R² for a target).")
        {
            modelPath, data, columns, labelColumn, json,
        };
        var reading = new DataOptions();
        reading.AddTo(command);
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), async () =>
        {
            var truthColumn = r.GetValue(labelColumn);
            var read = reading.From(r) with { EmptyLabels = truthColumn is not null };
            var model = PredictCommand.LoadModel(r.GetValue(modelPath)!);
            var dataPath = r.GetValue(data)!;
            if (truthColumn is not null && model.Labels is null && model.Targets is null)
            {
                throw new UsageException($"--label-column: {r.GetValue(modelPath)} keeps no labels or target to compare with; train it with --label-column or --target-column.");
            }

            var table = await PredictEncoding.ReadTableAsync(model, dataPath, DataFiles.Columns(r.GetValue(columns)), truthColumn, read, [], console, cancellationToken).ConfigureAwait(false);
            if (!r.GetValue(json))
            {
                foreach (var notice in DataFiles.Notices(dataPath, table, read))
                {
                    console.Error.WriteLine(notice);
                }
            }

            if (table.Data.Columns != model.Dimension)
            {
                throw new UsageException(
                    $"the model expects {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); {dataPath} gives {table.Data.Columns} ({string.Join(", ", table.Data.ColumnNames)}). Choose them with --columns.");
            }

            var qe = model.QuantizationError(table.Data);
            var te = model.TopographicError(table.Data);
            ClassificationReport? report = null;
            (double Rmse, double R2)? regression = null;
            int? unlabelled = null;
            if (truthColumn is not null)
            {
                // A row whose label cell is empty has no truth to compare with: it is counted, not scored.
                var truths = table.Labels!;
                var scored = Enumerable.Range(0, truths.Count).Where(i => truths[i].Length > 0).ToArray();
                unlabelled = truths.Count - scored.Length;
                if (scored.Length == 0)
                {
                    throw new UsageException($"--label-column {truthColumn}: every row's label in {dataPath} is empty, so no row can be scored.");
                }

                if (unlabelled > 0 && !r.GetValue(json))
                {
                    console.Error.WriteLine($"{dataPath}: {unlabelled} row(s) have an empty label ({truthColumn}) and cannot be scored; the scores are over the other {scored.Length}.");
                }

                var all = model.FindBmus(table.Data);
                var bmus = scored.Select(i => all[i]).ToArray();
                string[] scoredTruths = [.. scored.Select(i => truths[i])];
                if (model.Labels is { } labels)
                {
                    report = ClassificationReport.Compare(scoredTruths, [.. bmus.Select(b => labels.LabelOf(b.Index))]);
                }
                else
                {
                    regression = Regression(scoredTruths, bmus, model.Targets!, truthColumn);
                }
            }

            console.Out.Write(r.GetValue(json) ? Json(table.Data.Rows, qe, te, report, regression, unlabelled) : Text(table.Data.Rows, qe, te, report, regression, unlabelled));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static (double Rmse, double R2) Regression(IReadOnlyList<string> texts, Bmu[] bmus, NodeTargets targets, string column)
    {
        double squares = 0, sum = 0, sumSquares = 0;
        for (var r = 0; r < texts.Count; r++)
        {
            if (!double.TryParse(texts[r], NumberStyles.Float, CultureInfo.InvariantCulture, out var truth) || !double.IsFinite(truth))
            {
                throw new UsageException($"--label-column {column}: row {r + 1} holds '{texts[r]}', not a finite number.");
            }

            var error = truth - targets.TargetOf(bmus[r].Index);
            squares += error * error;
            sum += truth;
            sumSquares += truth * truth;
        }

        var n = texts.Count;
        var total = sumSquares - (sum * sum / n);
        return (Math.Sqrt(squares / n), total > 0 ? 1 - (squares / total) : double.NaN);
    }

    private static string Text(int rows, double qe, double te, ClassificationReport? report, (double Rmse, double R2)? regression, int? unlabelled)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"rows                 {rows}\n");
        if (unlabelled is > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"unlabelled rows      {unlabelled} (empty label, not scored)\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"quantization error   {qe:0.######}\n");
        text.Append(CultureInfo.InvariantCulture, $"topographic error    {te:0.######}\n");
        if (regression is { } g)
        {
            text.Append(CultureInfo.InvariantCulture, $"RMSE                 {g.Rmse:0.######}\n");
            text.Append(CultureInfo.InvariantCulture, $"R²                   {g.R2:0.######}\n");
        }

        if (report is null)
        {
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"accuracy             {report.Accuracy:0.0000} ({report.Correct} of {report.Total})\n\n");
        var name = Math.Max(5, report.Classes.Max(c => c.Length));
        text.Append("class".PadRight(name)).Append("  precision  recall  support\n");
        for (var c = 0; c < report.Classes.Count; c++)
        {
            text.Append(report.Classes[c].PadRight(name))
                .Append(CultureInfo.InvariantCulture, $"  {Share(report.Precision(c)),9}  {Share(report.Recall(c)),6}  {report.Support(c),7}\n");
        }

        text.Append("\nconfusion matrix (rows: true class, columns: predicted)\n");
        var cell = Math.Max(name, report.Classes.Max(c => Math.Max(c.Length, report.Total.ToString(CultureInfo.InvariantCulture).Length)));
        text.Append(new string(' ', name));
        foreach (var c in report.Classes)
        {
            text.Append(' ').Append(c.PadLeft(cell));
        }

        text.Append('\n');
        for (var t = 0; t < report.Classes.Count; t++)
        {
            text.Append(report.Classes[t].PadRight(name));
            for (var p = 0; p < report.Classes.Count; p++)
            {
                text.Append(' ').Append(report.Confusion(t, p).ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Share(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Json(int rows, double qe, double te, ClassificationReport? report, (double Rmse, double R2)? regression, int? unlabelled)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("rows", rows);
            if (unlabelled is { } count)
            {
                w.WriteNumber("unlabelled_rows", count);
            }

            Number(w, "quantization_error", qe);
            Number(w, "topographic_error", te);
            if (regression is { } g)
            {
                Number(w, "rmse", g.Rmse);
                Number(w, "r2", g.R2);
            }

            if (report is not null)
            {
                Number(w, "accuracy", report.Accuracy);
                w.WriteNumber("correct", report.Correct);
                w.WriteStartArray("classes");
                for (var c = 0; c < report.Classes.Count; c++)
                {
                    w.WriteStartObject();
                    w.WriteString("label", report.Classes[c]);
                    Number(w, "precision", report.Precision(c));
                    Number(w, "recall", report.Recall(c));
                    w.WriteNumber("support", report.Support(c));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("confusion");
                for (var t = 0; t < report.Classes.Count; t++)
                {
                    w.WriteStartArray();
                    for (var p = 0; p < report.Classes.Count; p++)
                    {
                        w.WriteNumberValue(report.Confusion(t, p));
                    }

                    w.WriteEndArray();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
