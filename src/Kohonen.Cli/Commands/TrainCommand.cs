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
        var distance = EnumOption.Create<DistanceMetric>("--distance", $"Distance of the BMU search and the quantization error (default: SOM_DISTANCE, else {OptionText.ToText(Defaults.Distance)})");
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
        var sigmaEnd = new Option<double?>("--sigma-end") { Description = "σ at the end of the schedule (default: SOM_SIGMA_END, else where the decay ends by itself): linear reaches it at the last iteration; exponential-classic becomes σ₀·(end/σ₀)^(t/T); inverse and asymptotic σ₀/(1 + (σ₀/end − 1)·t/T)." };
        var learningRateEnd = new Option<double?>("--learning-rate-end") { Description = "α at the end of the schedule, in (0, 1] (default: SOM_LEARNING_RATE_END, else where the decay ends by itself); the same rules as --sigma-end." };
        var initFrom = new Option<string?>("--init-from") { Description = "Start from this codebook instead of --init: a model (.som) with the same grid and features, its weights carried over in the data's units; or a .npy array [height, width, features] or [nodes, features] (node y·width + x) of weights in the training's units (scaled when --scale is given)." };
        var continueFrom = new Option<string?>("--continue") { Description = "Train a model further on --data: a .som file or a run id (or its first 6+ characters) of the store. Its grid, features, scaler and encoder (categorical columns, feature weights) are kept; the algorithm, passes and neighbourhood are the model's unless given; σ and α are held at the model's final values unless --sigma, --sigma-end, --learning-rate, --learning-rate-end or the decays are given (start defaults to the final value, end to the start, decay to linear)." };
        var refitScaler = new Option<bool>("--refit-scaler") { Description = "--continue: fit the scaler again on --data (the model's kind, or --scale) and carry the codebook over in the data's units, instead of keeping the model's scaler." };
        var reading = new DataOptions();

        var command = new Command("train", "Train a self-organizing map on a data file and save the model.")
        {
            data, columns, labelColumn, targetColumn, supervised, labelWeight, clusters, clusterMethod, width, height, iterations, epochs, algorithm, topology, toroidal, neighborhood,
            learningRate, sigma, decay, sigmaDecay, learningRateDecay, init, scale, shuffle, exact, batchSize, seed, threads, output, noPlots, json, quietFlag,
            sigmaEnd, learningRateEnd, initFrom, continueFrom, refitScaler,
        };
        command.Options.Add(distance);
        foreach (var option in recording.All)
        {
            command.Options.Add(option);
        }

        foreach (var option in encoding.All)
        {
            command.Options.Add(option);
        }

        var clusterFlags = new ClusterTrainOptions();
        foreach (var option in clusterFlags.All)
        {
            command.Options.Add(option);
        }
        reading.AddTo(command);

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
                SigmaEnd = r.GetValue(sigmaEnd) ?? settings.SigmaEnd,
                LearningRateEnd = r.GetValue(learningRateEnd) ?? settings.LearningRateEnd,
                Distance = EnumOption.Value(r, distance, settings.Distance),
            };
            if (r.GetValue(init) is { } initText && OptionText.Parse<Initialization>(initText, "--init") == Initialization.Given)
            {
                throw new UsageException("--init given: the codebook is given with --init-from FILE or --continue MODEL.");
            }

            var start = await TrainStart.OpenAsync(r.GetValue(initFrom), r.GetValue(continueFrom), r.GetValue(refitScaler), settings, r.GetValue(recording.Tracking.Store), cancellationToken).ConfigureAwait(false);
            if (start is not null && r.GetValue(init) is not null)
            {
                throw new UsageException($"--init and {start.Flag}: give one (the codebook comes from {start.Flag}).");
            }

            if (start is not null && r.GetValue(supervised))
            {
                throw new UsageException($"--supervised trains an extra label layer the model's codebook does not have; drop it with {start.Flag}.");
            }

            if (start is { Continued: true })
            {
                if (r.GetValue(data) is null)
                {
                    throw new UsageException("--continue trains the model further on --data FILE: give it.");
                }

                var named = r.GetValue(algorithm) is { } algorithmText ? OptionText.Parse<TrainingAlgorithm>(algorithmText, "--algorithm") : (TrainingAlgorithm?)null;
                options = start.ContinueOptions(options, new ContinueFlags(
                    r.GetValue(width), r.GetValue(height), r.GetValue(topology) is null ? null : options.Topology, r.GetValue(toroidal),
                    r.GetValue(epochs) is not null ? TrainingAlgorithm.Batch : named, r.GetValue(iterations) ?? r.GetValue(epochs),
                    r.GetValue(neighborhood) is null ? null : options.Neighborhood,
                    r.GetValue(sigma), r.GetValue(sigmaEnd), r.GetValue(sigmaDecay) is null && r.GetValue(decay) is null ? null : options.SigmaDecay,
                    r.GetValue(learningRate), r.GetValue(learningRateEnd), r.GetValue(learningRateDecay) is null && r.GetValue(decay) is null ? null : options.LearningRateDecay,
                    r.GetValue(scale) is null ? null : options.Scaling));
            }
            else if (start is not null)
            {
                options = options with { Initialization = Initialization.Given };
                if (start.Model is { } given)
                {
                    // A model to start from gives its grid unless the command line says otherwise.
                    options = options with
                    {
                        Width = r.GetValue(width) ?? given.Width,
                        Height = r.GetValue(height) ?? given.Height,
                        Topology = r.GetValue(topology) is null ? given.Grid.Topology : options.Topology,
                        Toroidal = r.GetResult(toroidal) is null ? given.Grid.Toroidal : options.Toroidal,
                    };
                }
            }

            // --continue keeps the model's encoder: its categorical columns are read as text and encoded by it.
            var keptEncoder = start is { Continued: true, RefitScaler: false } ? start.Model!.Encoder : null;
            if (start is { Continued: true, RefitScaler: false } && encoding.Given(r))
            {
                throw new UsageException("--continue keeps the model's encoding (its categorical columns and feature weights); --categorical, --categorical-weight and --feature-weight go with --refit-scaler.");
            }

            var keptCategories = keptEncoder is { HasCategories: true } ? start!.Model : null;

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
            // A continued map's nodes move: its segments are made again (same count and method unless
            // given); its labels and target come only from the new rows' columns, so say when they go.
            var continued = start is { Continued: true } ? start.Model : null;
            var segmentCount = r.GetValue(clusters) ?? continued?.Segments?.Count;
            var segmentMethod = r.GetValue(clusterMethod) is null && r.GetValue(clusters) is null && continued?.Segments is { } segments
                ? segments.Method : EnumOption.Value(r, clusterMethod, SegmentMethod.KMeans);
            var kept = KeptOptions.From(r.GetValue(labelColumn), r.GetValue(targetColumn), r.GetValue(supervised), r.GetValue(labelWeight), segmentCount, segmentMethod);
            if (continued?.Labels is { } oldLabels && kept.LabelColumn is null)
            {
                console.Error.WriteLine($"The model's node labels ({oldLabels.Classes.Count} classes) are not carried over: continued training moves the nodes. Give --label-column to label them from --data.");
            }

            if (continued?.Targets is { } oldTarget && kept.TargetColumn is null)
            {
                console.Error.WriteLine($"The model's target ({oldTarget.Name}) is not carried over: continued training moves the nodes. Give --target-column to keep one from --data.");
            }
            var rowsPerChunk = r.GetValue(batchSize) ?? settings.BatchSize;
            var quiet = r.GetValue(quietFlag) || r.GetValue(json);
            var read = reading.From(r) with { EmptyLabels = kept.LabelColumn is not null };
            var cluster = ClusterTraining.From(r, clusterFlags, settings, dataPath, options, rowsPerChunk is not null, kept, r.GetValue(columns));
            if (cluster is not null && !r.GetValue(quietFlag))
            {
                // A lost worker is a warning, not progress: said with --json too (on standard error).
                cluster.OnRetry = line => console.Error.WriteLine($"cluster: {line}");
            }

            if (cluster is not null && encoding.Given(r))
            {
                throw new UsageException("--categorical and --feature-weight are not trained across a cluster; drop --cluster or them.");
            }

            using var clusterInput = cluster?.OpenInput();
            using var clusterTable = cluster is null ? null : await cluster.OpenTableAsync(read,
                quiet ? null : temporary => console.Error.WriteLine($"Reading {dataPath} into {temporary} (deleted at the end) for the final metrics; the workers read their rows themselves ..."), cancellationToken).ConfigureAwait(false);
            using var clusterShards = cluster is null ? null : await cluster.OpenShardsAsync(read,
                quiet ? null : temporary => console.Error.WriteLine($"Reading the shards in {dataPath} into {temporary} (deleted at the end) for the final metrics; the workers read their shards themselves ..."), cancellationToken).ConfigureAwait(false);
            using var streamed = rowsPerChunk is null || cluster is not null ? null : await OpenStreamAsync(dataPath, rowsPerChunk.Value, r.GetValue(columns), kept.Column, read,
                quiet ? null : temporary => console.Error.WriteLine($"Reading {dataPath} {rowsPerChunk:N0} rows at a time into {temporary} (deleted at the end) ..."), cancellationToken,
                keptCategories is null ? encoding.CategoricalColumns(r) : PredictEncoding.CategoricalColumns(keptCategories),
                keptCategories is null ? (numeric, categories) => encoding.Build(r, numeric, categories) : (_, _) => keptCategories.Encoder,
                keptCategories is null ? null : PredictEncoding.NumericColumns(keptCategories)).ConfigureAwait(false);
            CsvData? table = null;
            DataSource input;
            if (clusterInput is not null)
            {
                input = clusterInput;
            }
            else if (clusterTable is not null)
            {
                input = clusterTable.Source;
            }
            else if (clusterShards is not null)
            {
                input = clusterShards.Source;
            }
            else if (streamed is not null)
            {
                if (r.GetValue(algorithm) is { } named && OptionText.Parse<TrainingAlgorithm>(named, "--algorithm") == TrainingAlgorithm.Online)
                {
                    throw new UsageException("--batch-size streams the data through the batch algorithm; drop --algorithm online.");
                }

                options = options with { Algorithm = TrainingAlgorithm.Batch };
                input = streamed.Source.WithEncoder(streamed.Encoder ?? encoding.ForStream(r, streamed.Source.ColumnNames));
                if (streamed.Encoder is { } encoder && !quiet)
                {
                    console.Error.WriteLine(EncodingOptions.Describe(encoder));
                }
            }
            else if (keptCategories is not null)
            {
                table = await PredictEncoding.ReadTableAsync(keptCategories, dataPath!, DataFiles.Columns(r.GetValue(columns)), kept.Column, read, [], quiet ? null : console, cancellationToken).ConfigureAwait(false);
                input = DataSource.FromCsv(table).WithEncoder(keptCategories.Encoder);
            }
            else
            {
                table = dataPath is null
                    ? new CsvData(SampleData.Uniform(settings.Samples, settings.InputDim, options.Seed!.Value), null)
                    : await DataFiles.ReadAsync(dataPath, "--data", DataFiles.Columns(r.GetValue(columns)), kept.Column, read, encoding.CategoricalColumns(r), cancellationToken).ConfigureAwait(false);
                if (dataPath is null && encoding.Given(r))
                {
                    throw new UsageException("--categorical and --feature-weight apply to the columns of a --data file.");
                }

                (table, var encoder) = encoding.Encode(r, table, read, dataPath ?? "--data");
                if (encoder is not null && kept.Supervised)
                {
                    throw new UsageException("--supervised cannot be combined with --categorical or --feature-weight; train without one of them.");
                }

                input = DataSource.FromCsv(table).WithEncoder(encoder);
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
            start?.Check(options, input);
            var plots = !r.GetValue(noPlots);
            if (cluster is null)
            {
                // The training's code compiled on the other core while the store is opened and the
                // run recorded (see SomTrainer.Prepare): with the curve's measurements when it has them.
                var features = input.Columns;
                var preparing = new SomTrainer(plots ? options with { MetricsEvery = TrainingSession.CurveSpacing(options, input.Rows) } : options);
                _ = Task.Run(() => preparing.Prepare(features), CancellationToken.None);
            }

            var readCounts = dataPath is null ? null : streamed?.Counts ?? clusterTable?.Counts ?? table;
            if (!quiet && readCounts is not null)
            {
                foreach (var notice in DataFiles.Notices(dataPath!, readCounts, read))
                {
                    console.Error.WriteLine(notice);
                }

                if (DataFiles.Unlabelled(kept.LabelColumn is null ? null : readCounts.Labels) is var unlabelled and > 0)
                {
                    console.Error.WriteLine($"{dataPath}: {unlabelled} row(s) have an empty label ({kept.LabelColumn}): they train the map but give no vote to the node labels.");
                }
            }

            if (!quiet)
            {
                console.Error.WriteLine(cluster is not null
                    ? $"Training {input.Rows} rows × {input.Columns} features from {dataPath} across the cluster at {r.GetValue(clusterFlags.Cluster)}."
                    : streamed is not null
                    ? $"Streaming {input.Rows} rows × {input.Columns} features from {dataPath}, {rowsPerChunk} rows at a time."
                    : dataPath is null
                        ? $"No --data: training on {input.Rows} random rows × {input.Columns} uniform features (SOM_SAMPLES × SOM_INPUT_DIM)."
                        : $"Read {input.Rows} rows × {input.Columns} features ({string.Join(", ", table!.Data.ColumnNames)}) from {dataPath}.");
            }

            var store = track ? TrackingStores.Open(settings, r.GetValue(recording.Tracking.Store)) : null;
            TrainingOutcome outcome;
            var experiment = r.GetValue(recording.Tracking.Experiment) ?? settings.ExperimentName;
            try
            {
                var runName = r.GetValue(recording.RunName) ?? settings.RunName ?? (dataPath is null ? "random" : Path.GetFileNameWithoutExtension(dataPath));
                var session = new TrainingSession(options, input)
                {
                    MeasureCurve = plots,
                    Recording = Recording.Run(store, experiment, runName, start is null ? Recording.DataTags(dataPath, input.Rows, input.Columns) : new Dictionary<string, string>(Recording.DataTags(dataPath, input.Rows, input.Columns).Concat(start.Tags), StringComparer.Ordinal)),
                    Pictures = plots ? m => Pictures(m, table?.Data) : null,
                    Complete = plan.Complete,
                    FinalMetrics = plan.Measure,
                    KeepHits = true,
                    KeepModelBytes = path is not null,
                    Train = start is null ? null : start.Train,
                    Fitter = cluster is null ? null : cluster.FitAsync,
                };
                outcome = await ProgressDisplay.ShowAsync(progress => session.RunAsync(progress, cancellationToken), console, quiet, "train", options.Iterations).ConfigureAwait(false);
            }
            catch (ArgumentException e) when (dataPath is not null && e.Message.StartsWith("The training data", StringComparison.Ordinal))
            {
                // A value the map cannot measure: name the file it came from.
                throw new DataFormatException($"{dataPath}: {CommandRunner.PlainMessage(e)}", dataPath);
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

            SummaryPrinter.Print(console, SummaryPrinter.Summarize("train", path, outcome, input.Rows, written) with
            {
                Experiment = outcome.RunId is null ? null : experiment,
                Cluster = cluster?.Summary,
                Data = readCounts is null ? null : DataSummary.Of(dataPath!, readCounts, read),
            }, r.GetValue(json));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The pictures of a trained map: the U-matrix, the component planes, the training curve
    /// and, for data in memory, the hit map.</summary>
    private static TrainingPicture[] Pictures(SomModel model, DataMatrix? data)
    {
        var xLabel = model.Options!.Algorithm == TrainingAlgorithm.Batch ? "epoch" : "iteration";
        var drawings = new List<(string ArtifactPath, Func<byte[]> Draw)>
        {
            ("pictures/umatrix.png", () => MapPictures.UMatrix(model)),
            ("pictures/planes.png", () => MapPictures.ComponentPlanes(model)),
            ("pictures/curve.png", () => MapPictures.TrainingCurve(model.History, xLabel: xLabel)),
        };
        if (model.Labels is not null)
        {
            drawings.Add(("pictures/labels.png", () => MapPictures.LabelMap(model)));
        }

        if (model.Segments is not null)
        {
            drawings.Add(("pictures/segments.png", () => MapPictures.SegmentMap(model)));
        }

        if (data is not null)
        {
            drawings.Add(("pictures/hits.png", () => MapPictures.HitMap(model, data)));
        }

        return TrainingPicture.DrawAll(drawings);
    }

    /// <summary>The file --batch-size streams (.npy as it is, CSV, TSV or Parquet converted to a
    /// temporary .npy a chunk at a time); anything else is a usage error saying what to do.
    /// <paramref name="defaultColumns"/>: the columns read when --columns is not given (null: all but the label).</summary>
    private static Task<DataFiles.Streamed> OpenStreamAsync(
        string? path, int rowsPerChunk, string[]? columns, string? labelColumn, DataReading reading, Action<string>? converting, CancellationToken cancellationToken,
        IReadOnlyList<string>? categorical, Func<IReadOnlyList<string>, IReadOnlyDictionary<string, IReadOnlyList<string>>, FeatureEncoder?> encoderFor,
        IReadOnlyList<string>? defaultColumns = null)
    {
        if (rowsPerChunk < 1)
        {
            throw new UsageException($"--batch-size must be 1 or more; got {rowsPerChunk}.");
        }

        if (path is null)
        {
            throw new UsageException("--batch-size streams a data file: give it as --data FILE (.npy, .csv, .tsv, .txt or .parquet).");
        }

        return DataFiles.Streamed.OpenAsync(path, "--data", rowsPerChunk, DataFiles.Columns(columns) ?? defaultColumns, labelColumn, reading, converting, cancellationToken, categorical, encoderFor);
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
