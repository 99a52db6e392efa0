using System.CommandLine;
using Kohonen.Cli.Settings;
using Kohonen.Imaging;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen train</c>: train a map on a CSV or .npy file and save it.</summary>
internal static class TrainCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment)
    {
        var data = new Option<string?>("--data") { Description = $"Training data ({DataFiles.Allowed}). Without it: SOM_SAMPLES random rows of SOM_INPUT_DIM uniform features, as the Python original." };
        var columns = new Option<string[]>("--columns")
        {
            Description = "CSV feature columns by header name or 0-based index (space or comma separated; default: all but the label column).",
            AllowMultipleArgumentsPerToken = true,
        };
        var labelColumn = new Option<string?>("--label-column") { Description = "A CSV column of text labels, not used as a feature." };
        var width = new Option<int?>("--width") { Description = "Map columns (default: SOM_WIDTH, else 10)." };
        var height = new Option<int?>("--height") { Description = "Map rows (default: SOM_HEIGHT, else 10)." };
        var iterations = new Option<int?>("--iterations") { Description = "Online passes over the data (default 100)." };
        var epochs = new Option<int?>("--epochs") { Description = "Batch epochs; implies --algorithm batch (default 100)." };
        var algorithm = EnumOption.Create<TrainingAlgorithm>("--algorithm", "Training algorithm; default online");
        var topology = EnumOption.Create<Topology>("--topology", "Cell shape; default rectangular");
        var toroidal = new Option<bool>("--toroidal") { Description = "Wrap the map around on both axes." };
        var neighborhood = EnumOption.Create<Neighborhood>("--neighborhood", "Neighbourhood function; default gaussian");
        var learningRate = new Option<double?>("--learning-rate") { Description = "Initial learning rate α₀ in (0, 1] (default 0.1)." };
        var sigma = new Option<double?>("--sigma") { Description = "Initial radius σ₀ in grid cells (default max(width, height)/2)." };
        var decay = EnumOption.Create<Decay>("--decay", "Decay of both σ and α; default exponential-classic");
        var sigmaDecay = EnumOption.Create<Decay>("--sigma-decay", "Decay of σ alone, overriding --decay");
        var learningRateDecay = EnumOption.Create<Decay>("--learning-rate-decay", "Decay of α alone, overriding --decay");
        var init = EnumOption.Create<Initialization>("--init", "Codebook initialisation; default random");
        var scale = EnumOption.Create<Scaling>("--scale", "Feature scaling kept in the model; default none");
        var shuffle = new Option<bool>("--shuffle") { Description = "Online: visit samples in a new random order every iteration." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Stream the data file this many rows at a time (batch algorithm; memory bounded by the chunk, not the file; a CSV or TSV file is first converted, chunk by chunk, into a temporary .npy). Default: SOM_BATCH_SIZE, else the whole file in memory." };
        var exact = new Option<bool>("--exact") { Description = "Online: update every node, with no cut-off of steps below 2^-24 (slower late in training)." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var output = new Option<string?>("--out") { Description = "Also write the model (.som) and its pictures here (required with --no-track)." };
        var recording = new RecordingOptions();
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not write the U-matrix, component planes and training curve beside the model." };
        var json = CommonOptions.Json();
        var quiet = CommonOptions.Quiet();

        var command = new Command("train", "Train a self-organizing map on a data file and save the model.")
        {
            data, columns, labelColumn, width, height, iterations, epochs, algorithm, topology, toroidal, neighborhood,
            learningRate, sigma, decay, sigmaDecay, learningRateDecay, init, scale, shuffle, exact, batchSize, seed, threads, output, noPlots, json, quiet,
        };
        foreach (var option in recording.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, CommonOptions.IsVerbose(r, environment), () =>
        {
            var settings = KohonenSettings.Load(environment);
            var (chosenAlgorithm, passes) = Passes(r.GetValue(iterations), r.GetValue(epochs), r.GetValue(algorithm), settings.Iterations);
            var bothDecay = EnumOption.Value(r, decay, Decay.ExponentialClassic);
            var options = new SomOptions
            {
                Width = r.GetValue(width) ?? settings.Width ?? 10,
                Height = r.GetValue(height) ?? settings.Height ?? 10,
                Algorithm = chosenAlgorithm,
                Iterations = passes,
                Topology = EnumOption.Value(r, topology, Topology.Rectangular),
                Toroidal = r.GetValue(toroidal),
                Neighborhood = EnumOption.Value(r, neighborhood, Neighborhood.Gaussian),
                LearningRate = r.GetValue(learningRate) ?? settings.LearningRate ?? 0.1,
                Sigma = r.GetValue(sigma) ?? settings.Sigma,
                SigmaDecay = EnumOption.Value(r, sigmaDecay, bothDecay),
                LearningRateDecay = EnumOption.Value(r, learningRateDecay, bothDecay),
                Initialization = EnumOption.Value(r, init, Initialization.Random),
                Scaling = EnumOption.Value(r, scale, Scaling.None),
                Shuffle = r.GetValue(shuffle),
                ExactNeighborhood = r.GetValue(exact),
                Seed = r.GetValue(seed) ?? settings.RandomState ?? Random.Shared.Next(),
                MaxDegreeOfParallelism = r.GetValue(threads),
            };
            var path = r.GetValue(output);
            var track = !r.GetValue(recording.NoTrack);
            if (path is null && !track)
            {
                throw new UsageException("--no-track needs --out: otherwise the model would be kept nowhere.");
            }

            if (path is not null)
            {
                CommonOptions.EnsureFolderExists(path, "--out");
            }

            var runIdFile = r.GetValue(recording.RunIdFile);
            if (runIdFile is not null)
            {
                CommonOptions.EnsureFolderExists(runIdFile, "--run-id-file");
            }

            var dataPath = r.GetValue(data);
            var rowsPerChunk = r.GetValue(batchSize) ?? settings.BatchSize;
            CsvData? table = null;
            using var streamed = rowsPerChunk is null ? null : OpenStream(dataPath, rowsPerChunk.Value, r.GetValue(columns), r.GetValue(labelColumn),
                r.GetValue(quiet) || r.GetValue(json) ? null : temporary => console.Error.WriteLine($"Reading {dataPath} {rowsPerChunk:N0} rows at a time into {temporary} (deleted at the end) ..."));
            var stream = streamed?.Source;
            if (stream is not null)
            {
                if (r.GetValue(algorithm) is { } named && OptionText.Parse<TrainingAlgorithm>(named, "--algorithm") == TrainingAlgorithm.Online)
                {
                    throw new UsageException("--batch-size streams the data through the batch algorithm; drop --algorithm online.");
                }

                options = options with { Algorithm = TrainingAlgorithm.Batch };
            }
            else
            {
                table = dataPath is null
                    ? new CsvData(SampleData.Uniform(settings.Samples, settings.InputDim, options.Seed!.Value), null)
                    : DataFiles.Read(dataPath, "--data", DataFiles.Columns(r.GetValue(columns)), r.GetValue(labelColumn));
            }

            var rowCount = stream?.Rows ?? table!.Data.Rows;
            var columnCount = stream?.Columns ?? table!.Data.Columns;
            var plots = !r.GetValue(noPlots);
            if (plots)
            {
                options = options with { MetricsEvery = CurveSpacing(options, rowCount) };
            }

            var trainer = new SomTrainer(options);
            var quietNow = r.GetValue(quiet) || r.GetValue(json);
            if (!quietNow)
            {
                console.Error.WriteLine(stream is not null
                    ? $"Streaming {rowCount} rows × {columnCount} features from {dataPath}, {rowsPerChunk} rows at a time."
                    : dataPath is null
                        ? $"No --data: training on {rowCount} random rows × {columnCount} uniform features (SOM_SAMPLES × SOM_INPUT_DIM)."
                        : $"Read {rowCount} rows × {columnCount} features ({string.Join(", ", table!.Data.ColumnNames)}) from {dataPath}.");
            }

            // QE and TE of the trained map on its data, measured once (a pass over a streamed file costs).
            (double, double)? finalMetrics = null;
            (double QuantizationError, double TopographicError) Final(SomModel m) => finalMetrics ??= stream is null
                ? QualityMetrics.OfTraining(m, table!.Data)
                : QualityMetrics.OfTraining(m, stream);

            var xLabel = options.Algorithm == TrainingAlgorithm.Batch ? "epoch" : "iteration";
            var kinds = plots
                ? new (string Kind, Func<SomModel, byte[]> Draw)[]
                {
                    ("umatrix", m => MapPictures.UMatrix(m)),
                    ("planes", m => MapPictures.ComponentPlanes(m)),
                    ("curve", m => MapPictures.TrainingCurve(m.History, xLabel: xLabel)),
                    ("hits", m => MapPictures.HitMap(m, table!.Data)),
                }.Where(k => table is not null || k.Item1 != "hits").ToArray()
                : [];
            var drawn = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            IEnumerable<(string, byte[])> Pictures(SomModel m)
            {
                foreach (var (kind, draw) in kinds)
                {
                    drawn[kind] = draw(m);
                    yield return ($"pictures/{kind}.png", drawn[kind]);
                }
            }

            var store = track ? TrackingStores.Open(settings, r.GetValue(recording.Tracking.Store)) : null;
            RecordedModel trained;
            try
            {
                var runName = r.GetValue(recording.RunName) ?? settings.RunName ?? (dataPath is null ? "random" : Path.GetFileNameWithoutExtension(dataPath));
                var experiment = r.GetValue(recording.Tracking.Experiment) ?? settings.ExperimentName;
                Func<IProgress<TrainingProgress>?, SomModel> fit = stream is null
                    ? p => trainer.Fit(table!.Data, p, cancellationToken)
                    : p => trainer.Fit(stream, p, cancellationToken);
                trained = Recording.Train(store, experiment, runName, trainer.Options, fit, Final,
                    Recording.DataTags(dataPath, rowCount, columnCount), Pictures, console, quietNow, "train", cancellationToken);
            }
            finally
            {
                if (store is not null)
                {
                    TrackingStores.Close(store);
                }
            }

            var model = trained.Model;
            Recording.WriteRunIdFile(runIdFile, trained.RunId);
            var pictures = new List<string>();
            if (path is not null)
            {
                SomFile.Save(model, path);
                foreach (var (kind, draw) in kinds)
                {
                    var picture = PicturePaths.Beside(path, kind);
                    MapPictures.Save(drawn.TryGetValue(kind, out var bytes) ? bytes : draw(model), picture);
                    pictures.Add(picture);
                }
            }

            SummaryPrinter.Print(console, SummaryPrinter.Summarize("train", path, trained.RunId, model, rowCount, Final(model), trained.TrainTime, pictures), r.GetValue(json));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// How often to measure QE and TE for the training curve: up to 50 points, fewer when the data is
    /// large, so that measuring (a pass over the data each time) stays small beside training itself
    /// (about 2·10⁸ distance evaluations at most in all).
    /// </summary>
    private static int CurveSpacing(SomOptions options, int rows)
    {
        var perMeasurement = Math.Max(1.0, (double)rows * options.Width * options.Height);
        var points = (int)Math.Clamp(2e8 / perMeasurement, 2, 50);
        return Math.Max(1, (int)Math.Ceiling(options.Iterations / (double)points));
    }

    /// <summary>The file --batch-size streams (.npy as it is, CSV or TSV converted to a temporary .npy
    /// a chunk at a time); anything else is a usage error saying what to do.</summary>
    private static DataFiles.Streamed OpenStream(string? path, int rowsPerChunk, string[]? columns, string? labelColumn, Action<string>? converting)
    {
        if (rowsPerChunk < 1)
        {
            throw new UsageException($"--batch-size must be 1 or more; got {rowsPerChunk}.");
        }

        if (path is null)
        {
            throw new UsageException("--batch-size streams a data file: give it as --data FILE (.npy, .csv, .tsv or .txt).");
        }

        return DataFiles.Streamed.Open(path, "--data", rowsPerChunk, DataFiles.Columns(columns), labelColumn, converting);
    }

    /// <summary>--iterations counts online passes, --epochs batch epochs; together they conflict.</summary>
    private static (TrainingAlgorithm Algorithm, int Passes) Passes(int? iterations, int? epochs, string? algorithmText, int? fromSettings)
    {
        TrainingAlgorithm? named = algorithmText is null ? null : OptionText.Parse<TrainingAlgorithm>(algorithmText, "--algorithm");
        if (iterations is not null && epochs is not null)
        {
            throw new UsageException("--iterations and --epochs are two names for the number of passes; give one (--epochs for batch, --iterations for online).");
        }

        if (epochs is not null)
        {
            if (named == TrainingAlgorithm.Online)
            {
                throw new UsageException("--epochs goes with --algorithm batch; for online training give --iterations.");
            }

            return (TrainingAlgorithm.Batch, CheckedPasses(epochs.Value, "--epochs"));
        }

        var chosen = named ?? TrainingAlgorithm.Online;
        return (chosen, iterations is not null
            ? CheckedPasses(iterations.Value, "--iterations")
            : fromSettings ?? 100);
    }

    private static int CheckedPasses(int value, string flag) =>
        value is >= 1 and <= SomOptions.MaxIterations
            ? value
            : throw new UsageException($"{flag} must be in 1..{SomOptions.MaxIterations}; got {value}.");
}
