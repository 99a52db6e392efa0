using System.CommandLine;
using Kohonen.Cli.Settings;
using Kohonen.Imaging;
using Kohonen.Tracking;
using static System.FormattableString;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen train</c>: train a map on a CSV or .npy file and save it.</summary>
internal static class TrainCommand
{
    private static SomOptions Defaults => SomOptions.Default;

    public static Command Create(CliConsole console, CliEnvironment environment)
    {
        var data = new Option<string?>("--data") { Description = $"Training data ({DataFiles.Allowed}). Without it: SOM_SAMPLES random rows of SOM_INPUT_DIM uniform features, as the Python original." };
        var columns = new Option<string[]>("--columns")
        {
            Description = "CSV feature columns by header name or 0-based index (space or comma separated; default: all but the label column).",
            AllowMultipleArgumentsPerToken = true,
        };
        var labelColumn = new Option<string?>("--label-column") { Description = "A CSV column of labels, not used as a feature: the model keeps each node's label distribution (empty nodes borrow from the nearest labelled node) and predict answers a label." };
        var targetColumn = new Option<string?>("--target-column") { Description = "A CSV column of numbers, not used as a feature: the model keeps each node's mean and spread and predict answers a target." };
        var supervised = new Option<bool>("--supervised") { Description = "Train with the labels (one-hot) or the target (z-scored) as an extra layer so they shape the map (as R kohonen's xyf); predictions still use the features only. Needs --label-column or --target-column." };
        var labelWeight = new Option<double?>("--label-weight") { Description = Invariant($"--supervised: the label (or target) layer's share of the distance, in (0, 1) (default {SupervisedLayer.DefaultLabelWeight}, the two layers counting equally).") };
        var clusters = new Option<int?>("--clusters") { Description = "Also group the nodes into this many segments (kept in the model; predict answers a segment)." };
        var clusterMethod = EnumOption.Create<SegmentMethod>("--cluster-method", "How --clusters groups the nodes; default kmeans");
        var width = new Option<int?>("--width") { Description = Invariant($"Map columns (default: SOM_WIDTH, else {Defaults.Width}).") };
        var height = new Option<int?>("--height") { Description = Invariant($"Map rows (default: SOM_HEIGHT, else {Defaults.Height}).") };
        var iterations = new Option<int?>("--iterations") { Description = Invariant($"Online passes over the data (default {Defaults.Iterations}).") };
        var epochs = new Option<int?>("--epochs") { Description = Invariant($"Batch epochs; implies --algorithm batch (default {Defaults.Iterations}).") };
        var algorithm = EnumOption.Create<TrainingAlgorithm>("--algorithm", $"Training algorithm; default {OptionText.ToText(Defaults.Algorithm)}");
        var topology = EnumOption.Create<Topology>("--topology", $"Cell shape; default {OptionText.ToText(Defaults.Topology)}");
        var toroidal = new Option<bool>("--toroidal") { Description = "Wrap the map around on both axes." };
        var neighborhood = EnumOption.Create<Neighborhood>("--neighborhood", $"Neighbourhood function; default {OptionText.ToText(Defaults.Neighborhood)}");
        var learningRate = new Option<double?>("--learning-rate") { Description = Invariant($"Initial learning rate α₀ in (0, 1] (default {Defaults.LearningRate}).") };
        var sigma = new Option<double?>("--sigma") { Description = "Initial radius σ₀ in grid cells (default max(width, height)/2)." };
        var decay = EnumOption.Create<Decay>("--decay", $"Decay of both σ and α; default {OptionText.ToText(Defaults.SigmaDecay)}");
        var sigmaDecay = EnumOption.Create<Decay>("--sigma-decay", "Decay of σ alone, overriding --decay");
        var learningRateDecay = EnumOption.Create<Decay>("--learning-rate-decay", "Decay of α alone, overriding --decay");
        var init = EnumOption.Create<Initialization>("--init", $"Codebook initialisation; default {OptionText.ToText(Defaults.Initialization)}");
        var scale = EnumOption.Create<Scaling>("--scale", $"Feature scaling kept in the model; default {OptionText.ToText(Defaults.Scaling)}");
        var shuffle = new Option<bool>("--shuffle") { Description = "Online: visit samples in a new random order every iteration." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Stream the data file this many rows at a time (batch algorithm; memory bounded by the chunk, not the file; a CSV or TSV file is first converted, chunk by chunk, into a temporary .npy). Default: SOM_BATCH_SIZE, else the whole file in memory." };
        var exact = new Option<bool>("--exact") { Description = "Online: update every node, with no cut-off of steps below 2^-24 (slower late in training)." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var output = new Option<string?>("--out") { Description = "Also write the model (.som) and its pictures here (required with --no-track)." };
        var recording = new RecordingOptions();
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not write the U-matrix, component planes and training curve beside the model." };
        var json = CommonOptions.Json();
        var quietFlag = CommonOptions.Quiet();
        var encoding = new EncodingOptions();

        var command = new Command("train", "Train a self-organizing map on a data file and save the model.")
        {
            data, columns, labelColumn, targetColumn, supervised, labelWeight, clusters, clusterMethod, width, height, iterations, epochs, algorithm, topology, toroidal, neighborhood,
            learningRate, sigma, decay, sigmaDecay, learningRateDecay, init, scale, shuffle, exact, batchSize, seed, threads, output, noPlots, json, quietFlag,
        };
        foreach (var option in recording.All)
        {
            command.Options.Add(option);
        }

        foreach (var option in encoding.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, CommonOptions.IsVerbose(r, environment), async () =>
        {
            var settings = KohonenSettings.Load(environment);
            var (chosenAlgorithm, passes) = Passes(r.GetValue(iterations), r.GetValue(epochs), r.GetValue(algorithm), settings.Iterations);
            var bothDecay = EnumOption.Value(r, decay, Defaults.SigmaDecay);
            var options = new SomOptions
            {
                Width = r.GetValue(width) ?? settings.Width,
                Height = r.GetValue(height) ?? settings.Height,
                Algorithm = chosenAlgorithm,
                Iterations = passes,
                Topology = EnumOption.Value(r, topology, Defaults.Topology),
                Toroidal = r.GetValue(toroidal),
                Neighborhood = EnumOption.Value(r, neighborhood, Defaults.Neighborhood),
                LearningRate = r.GetValue(learningRate) ?? settings.LearningRate,
                Sigma = r.GetValue(sigma) ?? settings.Sigma,
                SigmaDecay = EnumOption.Value(r, sigmaDecay, bothDecay),
                LearningRateDecay = EnumOption.Value(r, learningRateDecay, bothDecay),
                Initialization = EnumOption.Value(r, init, Defaults.Initialization),
                Scaling = EnumOption.Value(r, scale, Defaults.Scaling),
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
            var kept = KeptOptions.From(r.GetValue(labelColumn), r.GetValue(targetColumn), r.GetValue(supervised), r.GetValue(labelWeight), r.GetValue(clusters), EnumOption.Value(r, clusterMethod, SegmentMethod.KMeans));
            var rowsPerChunk = r.GetValue(batchSize) ?? settings.BatchSize;
            var quiet = r.GetValue(quietFlag) || r.GetValue(json);
            if (rowsPerChunk is not null)
            {
                encoding.CheckStreaming(r);
            }

            using var streamed = rowsPerChunk is null ? null : OpenStream(dataPath, rowsPerChunk.Value, r.GetValue(columns), kept.Column,
                quiet ? null : temporary => console.Error.WriteLine($"Reading {dataPath} {rowsPerChunk:N0} rows at a time into {temporary} (deleted at the end) ..."));
            CsvData? table = null;
            DataSource input;
            if (streamed is not null)
            {
                if (r.GetValue(algorithm) is { } named && OptionText.Parse<TrainingAlgorithm>(named, "--algorithm") == TrainingAlgorithm.Online)
                {
                    throw new UsageException("--batch-size streams the data through the batch algorithm; drop --algorithm online.");
                }

                options = options with { Algorithm = TrainingAlgorithm.Batch };
                input = streamed.Source.WithEncoder(encoding.ForStream(r, streamed.Source.ColumnNames));
            }
            else
            {
                table = dataPath is null
                    ? new CsvData(SampleData.Uniform(settings.Samples, settings.InputDim, options.Seed!.Value), null)
                    : DataFiles.Read(dataPath, "--data", DataFiles.Columns(r.GetValue(columns)), kept.Column, encoding.CategoricalColumns(r));
                if (dataPath is null && encoding.Given(r))
                {
                    throw new UsageException("--categorical and --feature-weight apply to the columns of a --data file.");
                }

                (table, var encoder) = encoding.Encode(r, table);
                if (encoder is not null && kept.Supervised)
                {
                    throw new UsageException("--supervised cannot be combined with --categorical or --feature-weight; train without one of them.");
                }

                input = DataSource.FromMatrix(table.Data).WithEncoder(encoder);
                if (encoder is not null && !quiet)
                {
                    console.Error.WriteLine(EncodingOptions.Describe(encoder));
                }
            }

            var plan = kept.Plan(table, streamed, options);
            options = plan.Options;
            input = plan.Input ?? input;

            // Checked before anything is said or stored: options that cannot train leave nothing behind.
            options.Validate();
            if (!quiet)
            {
                console.Error.WriteLine(streamed is not null
                    ? $"Streaming {input.Rows} rows × {input.Columns} features from {dataPath}, {rowsPerChunk} rows at a time."
                    : dataPath is null
                        ? $"No --data: training on {input.Rows} random rows × {input.Columns} uniform features (SOM_SAMPLES × SOM_INPUT_DIM)."
                        : $"Read {input.Rows} rows × {input.Columns} features ({string.Join(", ", table!.Data.ColumnNames)}) from {dataPath}.");
            }

            var plots = !r.GetValue(noPlots);
            var store = track ? TrackingStores.Open(settings, r.GetValue(recording.Tracking.Store)) : null;
            TrainingOutcome outcome;
            var experiment = r.GetValue(recording.Tracking.Experiment) ?? settings.ExperimentName;
            try
            {
                var runName = r.GetValue(recording.RunName) ?? settings.RunName ?? (dataPath is null ? "random" : Path.GetFileNameWithoutExtension(dataPath));
                var session = new TrainingSession(options, input)
                {
                    MeasureCurve = plots,
                    Recording = Recording.Run(store, experiment, runName, Recording.DataTags(dataPath, input.Rows, input.Columns)),
                    Pictures = plots ? m => Pictures(m, table?.Data) : null,
                    Complete = plan.Complete,
                    KeepModelBytes = path is not null,
                };
                outcome = await ProgressDisplay.ShowAsync(progress => session.RunAsync(progress, cancellationToken), console, quiet, "train", options.Iterations).ConfigureAwait(false);
            }
            finally
            {
                if (store is not null)
                {
                    TrackingStores.Close(store);
                }
            }

            Recording.WriteRunIdFile(runIdFile, outcome.RunId);
            var written = new List<string>();
            if (path is not null)
            {
                Recording.WriteModel(outcome, path);
                foreach (var picture in outcome.Pictures)
                {
                    var beside = PicturePaths.Beside(path, picture.Kind);
                    MapPictures.Save(picture.Content, beside);
                    written.Add(beside);
                }
            }

            SummaryPrinter.Print(console, SummaryPrinter.Summarize("train", path, outcome, input.Rows, written) with { Experiment = outcome.RunId is null ? null : experiment }, r.GetValue(json));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The pictures of a trained map: the U-matrix, the component planes, the training curve
    /// and, for data in memory, the hit map.</summary>
    private static TrainingPicture[] Pictures(SomModel model, DataMatrix? data)
    {
        var xLabel = model.Options!.Algorithm == TrainingAlgorithm.Batch ? "epoch" : "iteration";
        TrainingPicture[] pictures =
        [
            new("pictures/umatrix.png", MapPictures.UMatrix(model)),
            new("pictures/planes.png", MapPictures.ComponentPlanes(model)),
            new("pictures/curve.png", MapPictures.TrainingCurve(model.History, xLabel: xLabel)),
        ];
        if (model.Labels is not null)
        {
            pictures = [.. pictures, new("pictures/labels.png", MapPictures.LabelMap(model))];
        }

        if (model.Segments is not null)
        {
            pictures = [.. pictures, new("pictures/segments.png", MapPictures.SegmentMap(model))];
        }

        return data is null ? pictures : [.. pictures, new("pictures/hits.png", MapPictures.HitMap(model, data))];
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
    private static (TrainingAlgorithm Algorithm, int Passes) Passes(int? iterations, int? epochs, string? algorithmText, int fromSettings)
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
            : fromSettings);
    }

    private static int CheckedPasses(int value, string flag) =>
        value is >= 1 and <= SomOptions.MaxIterations
            ? value
            : throw new UsageException($"{flag} must be in 1..{SomOptions.MaxIterations}; got {value}.");
}
