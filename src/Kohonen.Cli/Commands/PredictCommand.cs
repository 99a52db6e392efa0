using System.CommandLine;
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
            Description = "A CSV/TSV input column to carry through to the output unchanged, after row and before the BMU columns (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string?>("--out") { Description = "Write the CSV here instead of standard output." };

        var command = new Command("predict", "Print bmu_x,bmu_y,distance for every row of a data file; with a model that keeps them, also the row number, label and label_confidence, target and target_spread, and segment.") { modelPath, run, forceBest, tracking.Store, tracking.Experiment, data, columns, idColumns, output };
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, CommonOptions.IsVerbose(r, environment), async () =>
        {
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
                        ForceBest = r.GetValue(forceBest) || settings.Selection.ForceBest,
                        ExperimentName = r.GetValue(tracking.Experiment) ?? settings.ExperimentName,
                        Data = await DataReferences.OfAsync(r.GetValue(data)!, "--data", DataFiles.Columns(r.GetValue(columns)), cancellationToken).ConfigureAwait(false),
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
            if (idNames.Count > 0 && !File.Exists(dataPath))
            {
                throw new UsageException($"--data: the file '{dataPath}' does not exist.");
            }

            if (idNames.Count > 0 && DataFiles.CsvDelimiter(dataPath) is null)
            {
                throw new UsageException($"--id-column applies to CSV and TSV files; '{dataPath}' is not one (a .npy array has no named columns).");
            }

            if (idNames.Count > 0)
            {
                var header = CsvDataReader.ReadHeader(dataPath, new CsvReadOptions { Delimiter = DataFiles.CsvDelimiter(dataPath)!.Value })
                    ?? throw new UsageException($"--id-column: '{dataPath}' has no header, so it has no named columns.");
                if (idNames.FirstOrDefault(n => !header.Contains(n)) is { } unknown)
                {
                    throw new UsageException($"--id-column: '{dataPath}' has no column '{unknown}'; the columns are: {string.Join(", ", header)}.");
                }
            }

            var categorical = PredictEncoding.CategoricalColumns(model);
            var chosen = DataFiles.Columns(r.GetValue(columns)) ?? PredictEncoding.NumericColumns(model) ?? ModelColumnsInHeader(model, dataPath) ?? HeaderWithout(dataPath, idNames);
            var rows = PredictEncoding.Encode(model, DataFiles.Read(dataPath, "--data", chosen, labelColumn: null, categorical), console);
            if (rows.Columns != model.Dimension)
            {
                throw new UsageException(
                    $"the model expects {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); {dataPath} gives {rows.Columns} ({string.Join(", ", rows.ColumnNames)}). Choose them with --columns.");
            }

            var bmus = model.FindBmus(rows);

            // Read after the checked feature read, so the file has passed its limits (regular file,
            // bounded lines) before its id columns are read as text.
            var ids = PredictionCsv.ReadIds(dataPath, idNames);
            if (ids.Any(id => id.Values.Count != bmus.Length))
            {
                throw new UsageException($"--id-column: '{dataPath}' has lines the id columns cannot be matched to rows; check its quoting.");
            }

            var csv = PredictionCsv.Write(model, bmus, ids);

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

    /// <summary>Loads a model; a missing file is a usage error.</summary>
    internal static SomModel LoadModel(string path) =>
        File.Exists(path) ? SomFile.Load(path) : throw new UsageException($"--model: the file '{path}' does not exist.");

    /// <summary>Every header column but the id columns, when id columns are asked for; null otherwise.</summary>
    private static IReadOnlyList<string>? HeaderWithout(string dataPath, IReadOnlyList<string> idNames)
    {
        if (idNames.Count == 0 || DataFiles.CsvDelimiter(dataPath) is not { } delimiter)
        {
            return null;
        }

        var header = CsvDataReader.ReadHeader(dataPath, new CsvReadOptions { Delimiter = delimiter });
        return header is null ? null : [.. header.Where(h => !idNames.Contains(h))];
    }

    /// <summary>The model's feature names when a CSV header has all of them; null otherwise.</summary>
    internal static IReadOnlyList<string>? ModelColumnsInHeader(SomModel model, string dataPath)
    {
        if (DataFiles.CsvDelimiter(dataPath) is not { } delimiter || !File.Exists(dataPath))
        {
            return null;
        }

        var header = CsvDataReader.ReadHeader(dataPath, new CsvReadOptions { Delimiter = delimiter });
        return header is not null && model.FeatureNames.All(header.Contains) ? model.FeatureNames : null;
    }
}
