using System.CommandLine;
using System.Globalization;
using System.Text;
using Kohonen.Cli.Settings;
using Kohonen.Tracking;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen predict</c>: the BMU of every row of a data file.</summary>
internal static class PredictCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment)
    {
        var modelPath = new Option<string?>("--model") { Description = "A trained model (.som). Without it, the model of a run in the store: --run, else SOM_RUN_ID or SOM_RUN_ID_FILE, else the best by SOM_METRIC_KEY among the experiment's runs on the --data file (else on data with its columns)." };
        var run = new Option<string?>("--run") { Description = "Use this run's model: its id or a unique prefix of 6+ characters (overrides SOM_RUN_ID and SOM_RUN_ID_FILE)." };
        var forceBest = new Option<bool>("--force-best") { Description = "Use the best run even when a run id is set (SOM_FORCE_BEST)." };
        var tracking = new TrackingOptions();
        var data = new Option<string>("--data") { Description = $"Rows to place on the map ({DataFiles.Allowed}).", Required = true };
        var columns = new Option<string[]>("--columns")
        {
            Description = "CSV feature columns (default: the model's feature names when the header has them all, else every column).",
            AllowMultipleArgumentsPerToken = true,
        };
        var idColumns = new Option<string[]>("--id-column")
        {
            Description = "An input column (CSV/TSV header name or 0-based index, or a Parquet column) to carry through to the output unchanged, after row and before the BMU columns; not a feature (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string?>("--out") { Description = "Write the CSV here instead of standard output." };
        var reading = new DataOptions();

        var command = new Command("predict", "Print the row number and bmu_x,bmu_y,distance for every row of a data file; with a model that keeps them, also label and label_confidence, target and target_spread, and segment.") { modelPath, run, forceBest, tracking.Store, tracking.Experiment, data, columns, idColumns, output };
        reading.AddTo(command);
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, CommonOptions.IsVerbose(r, environment), async () =>
        {
            var read = reading.From(r);
            SomModel model;
            if (r.GetValue(modelPath) is { } file)
            {
                model = LoadModel(file);
            }
            else
            {
                var settings = KohonenSettings.Load(environment);
                var store = TrackingStores.Open(settings, r.GetValue(tracking.Store));
                try
                {
                    var rules = settings.Selection with
                    {
                        RunId = r.GetValue(run) ?? settings.Selection.RunId,
                        RunIdSource = r.GetValue(run) is not null ? "--run" : "SOM_RUN_ID",
                        ForceBest = r.GetValue(forceBest) || settings.Selection.ForceBest,
                        ExperimentName = r.GetValue(tracking.Experiment) ?? settings.ExperimentName,
                        Data = await DataReferences.OfAsync(r.GetValue(data)!, "--data", DataFiles.Columns(r.GetValue(columns)), cancellationToken, read).ConfigureAwait(false),
                    };
                    var choice = await ModelSelector.ChooseAsync(store, rules, cancellationToken).ConfigureAwait(false);
                    var selected = choice.Run;
                    var bytes = await store.ReadArtifactAsync(selected.Info.RunId, "model.som", cancellationToken).ConfigureAwait(false);
                    model = SomFile.FromBytes(bytes, $"run {selected.Info.RunId}: model.som");
                    console.Error.WriteLine(choice.Describe("Using the model of"));
                }
                finally
                {
                    TrackingStores.Close(store);
                }
            }

            var dataPath = r.GetValue(data)!;
            var outPath = r.GetValue(output);
            if (outPath is not null)
            {
                CommonOptions.EnsureFolderExists(outPath, "--out");
            }

            var idNames = DataFiles.Columns(r.GetValue(idColumns)) ?? [];
            CheckIdColumns(dataPath, idNames, read);
            if (r.GetValue(columns) is not { Length: > 0 })
            {
                CheckHeaderHasTheFeatures(model, dataPath, read, idNames);
            }

            var table = await PredictEncoding.ReadTableAsync(model, dataPath, DataFiles.Columns(r.GetValue(columns)), null, read, idNames, console, cancellationToken).ConfigureAwait(false);
            var rows = table.Data;
            if (rows.Columns != model.Dimension)
            {
                throw new UsageException(
                    $"the model expects {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); {dataPath} gives {rows.Columns} ({string.Join(", ", rows.ColumnNames)}). Choose them with --columns.");
            }

            Bmu[] bmus;
            try
            {
                bmus = model.FindBmus(rows);
            }
            catch (ArgumentException e)
            {
                // A value the map cannot measure (the core's range rule): name the file it came from.
                throw new DataFormatException($"{dataPath}: {CommandRunner.PlainMessage(e)}", dataPath);
            }

            foreach (var notice in DataFiles.Notices(dataPath, table, read))
            {
                console.Error.WriteLine(notice);
            }

            var ids = idNames.Select(n => (n, table.TextColumns[n])).ToList();
            var csv = PredictionCsv.Write(model, bmus, ids, table.RowNumbers);

            if (outPath is null)
            {
                console.Out.Write(csv.ToString());
            }
            else
            {
                AtomicFile.WriteAllBytes(outPath, Encoding.UTF8.GetBytes(csv.ToString()));
                console.Error.WriteLine($"Wrote {bmus.Length} predictions to {outPath}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Refuses id columns a file cannot have, before its rows are read: any of a .npy array,
    /// and names that a CSV/TSV header lacks (or, without a header, that are not 0-based indices).</summary>
    internal static void CheckIdColumns(string dataPath, IReadOnlyList<string> idNames, DataReading reading)
    {
        if (idNames.Count == 0 || !File.Exists(dataPath))
        {
            return;
        }

        if (TrainingDataFile.IsNpy(dataPath))
        {
            throw new UsageException($"--id-column applies to CSV, TSV and Parquet files; '{dataPath}' is a .npy array (it has no named columns).");
        }

        if (DataFiles.CsvDelimiter(dataPath) is null)
        {
            return;
        }

        var header = CsvDataReader.ReadHeader(dataPath, reading.Csv(textColumns: idNames));
        foreach (var name in idNames)
        {
            if (header is not null && !header.Contains(name) && !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new UsageException($"--id-column: '{dataPath}' has no column '{name}'; the columns are: {string.Join(", ", header)}.");
            }

            if (header is null && !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new UsageException($"--id-column: '{dataPath}' has no header, so its columns are chosen by 0-based index; '{name}' is not one.");
            }
        }
    }

    /// <summary>Refuses a CSV/TSV whose header lacks some of the features a model names (a file for
    /// another map, most likely), naming both, before a text column is read as a number.</summary>
    private static void CheckHeaderHasTheFeatures(SomModel model, string dataPath, DataReading reading, IReadOnlyList<string> idNames)
    {
        if (model.Encoder is not null || model.FeatureNames.All(n => n.Length > 1 && n[0] == 'x' && n[1..].All(char.IsAsciiDigit))
            || DataFiles.CsvDelimiter(dataPath) is null || !File.Exists(dataPath)
            || CsvDataReader.ReadHeader(dataPath, reading.Csv(textColumns: idNames)) is not { } header)
        {
            return;
        }

        var missing = model.FeatureNames.Where(n => !header.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            throw new UsageException(
                $"the model expects {model.Dimension} features ({Few(model.FeatureNames)}); the header of {dataPath} has {header.Count} columns ({Few(header)}) and lacks {missing.Count} of them ({Few(missing)}). Is it the model for this file? Choose the columns with --columns.");
        }

        static string Few(IReadOnlyList<string> names) => names.Count <= 6 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(5))}, … ({names.Count - 5} more)";
    }

    /// <summary>Loads a model; a missing file is a usage error.</summary>
    internal static SomModel LoadModel(string path) =>
        File.Exists(path) ? SomFile.Load(path) : throw new UsageException($"--model: the file '{path}' does not exist.");

    /// <summary>The model's feature names when a CSV header has all of them; null otherwise.</summary>
    internal static IReadOnlyList<string>? ModelColumnsInHeader(SomModel model, string dataPath) =>
        ModelColumnsInHeader(model, dataPath, DataReading.Default, []);

    /// <summary>The model's feature names when a CSV header (read as <paramref name="reading"/> says,
    /// <paramref name="textColumns"/> not features) has all of them; null otherwise.</summary>
    internal static IReadOnlyList<string>? ModelColumnsInHeader(SomModel model, string dataPath, DataReading reading, IReadOnlyList<string> textColumns)
    {
        if (DataFiles.CsvDelimiter(dataPath) is null || !File.Exists(dataPath))
        {
            return null;
        }

        var header = CsvDataReader.ReadHeader(dataPath, reading.Csv(textColumns: textColumns));
        return header is not null && model.FeatureNames.All(header.Contains) ? model.FeatureNames : null;
    }

    /// <summary>The model's feature names when the file (CSV header or Parquet schema) has all of
    /// them; null otherwise.</summary>
    internal static async Task<IReadOnlyList<string>?> ModelColumnsAsync(SomModel model, string dataPath, DataReading reading, IReadOnlyList<string> textColumns, CancellationToken cancellationToken)
    {
        if (!DataFiles.IsParquet(dataPath) || !File.Exists(dataPath))
        {
            return ModelColumnsInHeader(model, dataPath, reading, textColumns);
        }

        var names = await ParquetDataReader.ReadColumnNamesAsync(dataPath, cancellationToken).ConfigureAwait(false);
        return model.FeatureNames.All(names.Contains) ? model.FeatureNames : null;
    }
}
