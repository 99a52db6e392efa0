using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen impute</c>: fills the missing values of a data file from each row's BMU.</summary>
internal static class ImputeCommand
{
    public static Command Create(CliConsole console)
    {
        var modelPath = new Option<string>("--model") { Description = "A trained model (.som).", Required = true };
        var data = new Option<string>("--data") { Description = $"Rows with missing values to fill ({DataFiles.Allowed}); read as predict reads them.", Required = true };
        var columns = new Option<string[]>("--columns")
        {
            Description = "CSV feature columns (default: the model's feature names when the header has them all, else every column).",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--out") { Description = "The CSV to write: the same columns, each missing value filled from its row's BMU in the feature's own units (a categorical column's missing or unseen category: the one with the largest share at the BMU).", Required = true };
        var reading = new DataOptions();

        var command = new Command("impute", "Fill each missing value of a data file with its row's BMU's weight for that feature (the SOM Toolbox's som_fillnans) and write the rows as CSV.") { modelPath, data, columns, output };
        reading.AddTo(command);
        command.SetAction((r, _) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), () =>
        {
            var read = reading.From(r);
            var model = PredictCommand.LoadModel(r.GetValue(modelPath)!);
            var dataPath = r.GetValue(data)!;
            var outPath = r.GetValue(output)!;
            CommonOptions.EnsureFolderExists(outPath, "--out");
            if (PredictEncoding.CategoricalColumns(model) is not null)
            {
                var result = CategoricalImpute.Run(model, dataPath, DataFiles.Columns(r.GetValue(columns)), read, console);
                AtomicFile.WriteAllBytes(outPath, Encoding.UTF8.GetBytes(result.Csv.ToString()));
                var total = result.NumericFilled + result.CategoricalFilled;
                console.Error.WriteLine(
                    $"Filled {total} missing value{(total == 1 ? "" : "s")} in {result.Rows} rows ({result.NumericFilled} numeric, {result.CategoricalFilled} categorical); wrote {outPath}.");
                return ExitCodes.Success;
            }

            var chosen = DataFiles.Columns(r.GetValue(columns)) ?? PredictCommand.ModelColumnsInHeader(model, dataPath, read, []);
            var rows = DataFiles.Read(dataPath, "--data", chosen, labelColumn: null, read).Data;
            if (rows.Columns != model.Dimension)
            {
                throw new UsageException(
                    $"the model expects {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); {dataPath} gives {rows.Columns} ({string.Join(", ", rows.ColumnNames)}). Choose them with --columns.");
            }

            var missing = rows.CountMissing();
            var filled = model.Impute(rows);
            AtomicFile.WriteAllBytes(outPath, Encoding.UTF8.GetBytes(ToCsv(filled).ToString()));
            console.Error.WriteLine($"Filled {missing} missing value{(missing == 1 ? "" : "s")} in {filled.Rows} rows; wrote {outPath}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The rows as CSV: a header of the column names, then each value as the shortest text
    /// that reads back as the same float.</summary>
    internal static StringBuilder ToCsv(DataMatrix data)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', data.ColumnNames.Select(PredictionCsv.Quote)).Append('\n');
        for (var r = 0; r < data.Rows; r++)
        {
            var row = data.Row(r);
            for (var c = 0; c < row.Length; c++)
            {
                if (c > 0)
                {
                    csv.Append(',');
                }

                csv.Append(row[c].ToString(CultureInfo.InvariantCulture));
            }

            csv.Append('\n');
        }

        return csv;
    }
}
