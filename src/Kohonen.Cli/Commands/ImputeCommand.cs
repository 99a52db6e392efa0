using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen impute</c>: fills the missing values of a data file from each row's BMU.</summary>
internal static class ImputeCommand
{
    /// <summary>The most row numbers a notice lists one by one.</summary>
    private const int Listed = 5;

    public static Command Create(CliConsole console)
    {
        var modelPath = new Option<string>("--model") { Description = "A trained model (.som).", Required = true };
        var data = new Option<string>("--data") { Description = $"Rows with missing values to fill ({DataFiles.Allowed}); read as predict reads them.", Required = true };
        var columns = new Option<string[]>("--columns")
        {
            Description = "CSV feature columns (default: the model's feature names when the header has them all, else every column).",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--out") { Description = "The CSV to write: every input row, in order, its input row number first (row), then the same columns, each missing value filled from its row's BMU in the feature's own units (a categorical column's missing or unseen category: the one with the largest share at the BMU). A row with every feature missing cannot be placed: it is written with its holes left (empty cells) and counted.", Required = true };
        var reading = new DataOptions();

        var idColumns = new Option<string[]>("--id-column")
        {
            Description = "An input column (CSV/TSV header name or 0-based index, or a Parquet column) to carry through to the output unchanged, after row and before the features; not a feature (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("impute", "Fill each missing value of a data file with its row's BMU's weight for that feature (the SOM Toolbox's som_fillnans) and write every row as CSV, with its row number.") { modelPath, data, columns, idColumns, output };
        reading.AddTo(command);
        command.SetAction((r, _) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), () =>
        {
            if (r.GetValue(reading.MaxMissing) is not null)
            {
                throw new UsageException("--max-missing does not apply to impute: every row is written, filled from its BMU when any of its features is present, and a row with every feature missing is written with its holes left.");
            }

            // No row is skipped: every input row is written.
            var read = reading.From(r) with { MaxMissing = 1 };
            var model = PredictCommand.LoadModel(r.GetValue(modelPath)!);
            var dataPath = r.GetValue(data)!;
            var outPath = r.GetValue(output)!;
            CommonOptions.EnsureFolderExists(outPath, "--out");
            var idNames = DataFiles.Columns(r.GetValue(idColumns)) ?? [];
            PredictCommand.CheckIdColumns(dataPath, idNames, read);
            if (PredictEncoding.CategoricalColumns(model) is not null)
            {
                if (idNames.Count > 0)
                {
                    throw new UsageException("--id-column is not carried through imputing a model with categorical columns; impute without it (rows keep their order and their row numbers).");
                }

                var result = CategoricalImpute.Run(model, dataPath, DataFiles.Columns(r.GetValue(columns)), read, console);
                AtomicFile.WriteAllBytes(outPath, Encoding.UTF8.GetBytes(result.Csv.ToString()));
                var total = result.NumericFilled + result.CategoricalFilled;
                console.Error.WriteLine(
                    $"Filled {total} missing value{(total == 1 ? "" : "s")} in {result.Rows} rows ({result.NumericFilled} numeric, {result.CategoricalFilled} categorical); wrote {outPath}.");
                WriteUnfilled(console, dataPath, result.Unfilled);
                return ExitCodes.Success;
            }

            var chosen = DataFiles.Columns(r.GetValue(columns)) ?? PredictCommand.ModelColumnsInHeader(model, dataPath, read, idNames);
            var table = DataFiles.Read(dataPath, "--data", chosen, labelColumn: null, read, idNames);
            var rows = table.Data;
            if (rows.Columns != model.Dimension)
            {
                throw new UsageException(
                    $"the model expects {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); {dataPath} gives {rows.Columns} ({string.Join(", ", rows.ColumnNames)}). Choose them with --columns.");
            }

            foreach (var notice in DataFiles.Notices(dataPath, table, read, counts: false))
            {
                console.Error.WriteLine(notice);
            }

            var (filled, unfilled) = Fill(model, rows);
            var missing = rows.CountMissing() - filled.CountMissing();
            var ids = idNames.Select(n => (n, table.TextColumns[n])).ToList();
            AtomicFile.WriteAllBytes(outPath, Encoding.UTF8.GetBytes(ToCsv(filled, table.RowNumbers, ids).ToString()));
            console.Error.WriteLine($"Filled {missing} missing value{(missing == 1 ? "" : "s")} in {filled.Rows} rows; wrote {outPath}.");
            WriteUnfilled(console, dataPath, [.. unfilled.Select(i => RowNumber(table.RowNumbers, i))]);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Fills the rows that have a present value from their BMU (<see cref="SomModel.Impute"/>) and
    /// leaves the rows with every value missing as they are (no BMU can be found for them).
    /// </summary>
    /// <returns>The rows, filled where they could be, and the 0-based indices of those that could not.</returns>
    internal static (DataMatrix Filled, int[] Unfilled) Fill(SomModel model, DataMatrix rows)
    {
        var unfilled = Enumerable.Range(0, rows.Rows).Where(i => !HasPresent(rows.Row(i))).ToArray();
        if (unfilled.Length == 0)
        {
            return (model.Impute(rows), unfilled);
        }

        if (unfilled.Length == rows.Rows)
        {
            return (rows, unfilled);
        }

        var placed = Enumerable.Range(0, rows.Rows).Except(unfilled).ToArray();
        var done = model.Impute(DataMatrix.FromRows([.. placed.Select(i => rows.Row(i).ToArray())], rows.ColumnNames));
        var values = rows.Values.ToArray();
        for (var k = 0; k < placed.Length; k++)
        {
            done.Row(k).CopyTo(values.AsSpan(placed[k] * rows.Columns, rows.Columns));
        }

        return (new DataMatrix(values, rows.Rows, rows.Columns, rows.ColumnNames), unfilled);
    }

    private static bool HasPresent(ReadOnlySpan<float> row)
    {
        foreach (var value in row)
        {
            if (!float.IsNaN(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The input row number of row <paramref name="index"/>: as the reader numbered it, else
    /// its 1-based position.</summary>
    internal static int RowNumber(IReadOnlyList<int>? rowNumbers, int index) => rowNumbers?[index] ?? index + 1;

    /// <summary>Says which rows were written with their holes left, when any.</summary>
    internal static void WriteUnfilled(CliConsole console, string dataPath, IReadOnlyList<int> rowNumbers)
    {
        if (rowNumbers.Count == 0)
        {
            return;
        }

        var listed = string.Join(", ", rowNumbers.Take(Listed).Select(n => n.ToString(CultureInfo.InvariantCulture)));
        console.Error.WriteLine(
            $"{dataPath}: {rowNumbers.Count} row(s) have every feature missing (row {listed}{(rowNumbers.Count > Listed ? ", …" : "")}): a map cannot place them, so they are written with their holes left.");
    }

    /// <summary>The rows as CSV: a header of <c>row</c>, the id columns (named as in the input, or
    /// <c>input_</c> and the name when it is <c>row</c> or a feature's) and the feature names, then
    /// each row's input number, its ids' text unchanged and its values, each as the shortest text that
    /// reads back as the same float, a missing value as an empty cell.</summary>
    internal static StringBuilder ToCsv(DataMatrix data, IReadOnlyList<int>? rowNumbers, IReadOnlyList<(string Name, IReadOnlyList<string> Values)>? ids = null)
    {
        ids ??= [];
        var csv = new StringBuilder();
        csv.Append("row,");
        foreach (var header in PredictionCsv.IdHeaders(ids.Select(id => id.Name), ["row", .. data.ColumnNames]))
        {
            csv.Append(PredictionCsv.Quote(header)).Append(',');
        }

        csv.AppendJoin(',', data.ColumnNames.Select(PredictionCsv.Quote)).Append('\n');
        for (var r = 0; r < data.Rows; r++)
        {
            csv.Append(RowNumber(rowNumbers, r).ToString(CultureInfo.InvariantCulture));
            foreach (var id in ids)
            {
                csv.Append(',').Append(PredictionCsv.Quote(id.Values[r]));
            }

            foreach (var value in data.Row(r))
            {
                csv.Append(',');
                if (!float.IsNaN(value))
                {
                    csv.Append(value.ToString(CultureInfo.InvariantCulture));
                }
            }

            csv.Append('\n');
        }

        return csv;
    }
}
