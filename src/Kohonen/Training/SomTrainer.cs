
namespace Kohonen;

/// <summary>
/// Trains maps: <c>new SomTrainer(options).Fit(data)</c> returns a <see cref="SomModel"/>. The options
/// are validated when the trainer is made; the trainer holds no fitted state and can fit any number
/// of data sets, also at once.
/// </summary>
public sealed class SomTrainer
{
    /// <summary>A trainer with validated options.</summary>
    /// <exception cref="SomOptionsException">The options break a rule.</exception>
    public SomTrainer(SomOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
    }

    /// <summary>The options.</summary>
    public SomOptions Options { get; }

    /// <summary>
    /// Compiles the code that fitting rows of <paramref name="features"/> features with these options
    /// runs, so that the first <c>Fit</c> does not wait for the JIT compiler: trains a copy of the map
    /// for one iteration on a few made-up rows (measuring it when the options measure a history) and
    /// throws the result away. The kernels are compiled for this machine when first called, and a short
    /// training can spend a large part of its time waiting for that; call this on another thread while
    /// the data is read (the <c>kohonen</c> tool does). It changes nothing a later <c>Fit</c> returns,
    /// and a failure here is ignored: it only means the first training compiles what it needs itself.
    /// </summary>
    /// <param name="features">The columns of the rows the map will be fitted on (at least 1).</param>
    public void Prepare(int features) => _ = TryPrepare(features);

    /// <summary><see cref="Prepare"/>: null when the made-up training ran, else why it did not.</summary>
    internal Exception? TryPrepare(int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        const int rows = 32;
        try
        {
            var random = new SomRandom(1);
            var values = new float[rows * features];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)random.NextDouble();
            }

            var options = Options with
            {
                Iterations = 1, MetricsEvery = Options.MetricsEvery > 0 ? 1 : 0, Seed = 1,
                Initialization = Options.Initialization == Initialization.Given ? Initialization.Random : Options.Initialization,
            };
            _ = new SomTrainer(options).Fit(new DataMatrix(values, rows, features));
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only the speed of the first training depends on this.
            return e;
        }
    }

    /// <summary>
    /// Fits a map on rows in memory: <c>Fit(DataSource.FromMatrix(data), progress, cancellationToken)</c>.
    /// </summary>
    /// <param name="data">At least one row; every value finite or NaN (missing).</param>
    /// <param name="progress">Told after each iteration (online) or epoch (batch), on the training
    /// thread.</param>
    /// <param name="cancellationToken">Stops training promptly with an
    /// <see cref="OperationCanceledException"/>; nothing is returned.</param>
    /// <exception cref="ArgumentException">The data is empty, has an infinite value (the message names
    /// its row and column), or every row has every value missing.</exception>
    public SomModel Fit(DataMatrix data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(DataSource.FromMatrix(data), progress, cancellationToken);
    }

    /// <summary>
    /// Fits a map: fits the scaler (if any) on the rows, initialises the codebook, runs the online or
    /// batch algorithm, and returns the model, whose <see cref="SomModel.Options"/> carry the seed that
    /// was used (drawn at random when <see cref="SomOptions.Seed"/> is null) and whose feature names are
    /// the source's column names. A streamed source (<see cref="DataSource.FromNpy"/>) is read once per
    /// epoch, and once or twice more for the scaler, the random initialisation and measured steps; the
    /// model is the one the same rows in memory give, bit for bit, since rows are summed in their order
    /// either way. The source is not disposed. A missing value (NaN) is left out: a row's BMU is found
    /// over its present features and only those weights move (see the algorithm docs); a row with
    /// every value missing is skipped (<see cref="DataMatrix.CountEmptyRows"/> counts them).
    /// </summary>
    /// <param name="data">At least one row; every value finite or NaN (missing).</param>
    /// <param name="progress">Told after each iteration (online) or epoch (batch), on the training
    /// thread.</param>
    /// <param name="cancellationToken">Stops training promptly with an
    /// <see cref="OperationCanceledException"/>; nothing is returned.</param>
    /// <exception cref="ArgumentException">The data is empty or, in memory, has an infinite value (the
    /// message names its row and column) or no row with a value.</exception>
    /// <exception cref="SomOptionsException">A streamed source with the online algorithm or a PCA
    /// initialisation.</exception>
    /// <exception cref="DataFormatException">A streamed file holds an infinite value (row and column
    /// named).</exception>
    /// <exception cref="TrainingDivergedException">A weight became NaN or infinite during training.</exception>
    public SomModel Fit(DataSource data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Options.Initialization == Initialization.Given)
        {
            throw new SomOptionsException(nameof(SomOptions.Initialization),
                "Initialization given needs the codebook: pass it to Fit (a codebook or a model) or use Continue; allowed without one: random, sample, pca.");
        }

        return Train(data, Options, scaler: null, keepScaler: false, (rows, grid, random, _) => CodebookInitializer.Create(rows, grid, Options.Initialization, random), progress, cancellationToken);
    }

    /// <summary>
    /// Fits a map from a given codebook instead of drawing one: as
    /// <see cref="Fit(DataSource, IProgress{TrainingProgress}?, CancellationToken)"/> in every other
    /// way (the scaler, if the options scale, is fitted on <paramref name="data"/> first). The model's
    /// options record <see cref="Initialization.Given"/>.
    /// </summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <param name="initialCodebook">Width·Height·Columns finite weights, node-major (node index
    /// y·Width + x, then feature), in the units the map is trained in: the data's own units, or their
    /// scaled values when the options scale (the scaler fitted on <paramref name="data"/>). Copied.</param>
    /// <param name="progress">Told after each iteration (online) or epoch (batch).</param>
    /// <param name="cancellationToken">Stops training promptly with an <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">The codebook has the wrong length or a NaN or infinite
    /// weight (node and feature named), or the data is empty or not finite.</exception>
    public SomModel Fit(DataSource data, ReadOnlyMemory<float> initialCodebook, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var codebook = CodebookInitializer.Given(initialCodebook.Span, Options.Width, Options.Height, data.Columns);
        return Train(data, Options with { Initialization = Initialization.Given }, scaler: null, keepScaler: false, (_, _, _, _) => codebook, progress, cancellationToken);
    }

    /// <summary>
    /// Fits a map starting from another map's codebook (a map refined, or trained again on other data
    /// with a new schedule). The map must have this trainer's grid (width, height, topology, toroidal)
    /// and the data's features (the same number, and the same names when both have names). The scaler
    /// is fitted on <paramref name="data"/> as the options say; the start's weights are carried over in
    /// the data's own units (unscaled by the start's scaler, scaled by the new one), and copied as they
    /// are when the two scalers are the same. The model's options record <see cref="Initialization.Given"/>.
    /// </summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <param name="start">The map to start from.</param>
    /// <param name="progress">Told after each iteration (online) or epoch (batch).</param>
    /// <param name="cancellationToken">Stops training promptly with an <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="SomOptionsException">The map's grid differs from the options' (every
    /// difference named).</exception>
    /// <exception cref="ArgumentException">The map's features differ from the data's (named).</exception>
    public SomModel Fit(DataSource data, SomModel start, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(start);
        CodebookInitializer.CheckSameMap(start, Options, data);
        return Train(data, Options with { Initialization = Initialization.Given }, scaler: null, keepScaler: false,
            (_, _, _, scaler) => CodebookInitializer.CarriedOver(start, scaler), progress, cancellationToken);
    }

    /// <summary>
    /// Trains a trained map further on <paramref name="data"/> (new rows, or the same ones again), with
    /// this trainer's schedule: its iterations or epochs, algorithm, neighbourhood, σ₀, α₀, decays and
    /// end values. The map's scaler is kept, not refitted, so the codebook stays in its units (to refit
    /// it, use <see cref="Fit(DataSource, SomModel, IProgress{TrainingProgress}?, CancellationToken)"/>).
    /// The options must have the map's grid and its scaling; to hold the map's last σ and α, give
    /// Sigma = SigmaEnd = the map's <see cref="SomOptions.FinalSigma"/> and LearningRate =
    /// LearningRateEnd = its <see cref="SomOptions.FinalLearningRate"/> with the linear decay. The new
    /// model keeps no labels, targets or segments (they belonged to the old codebook); its options
    /// record <see cref="Initialization.Given"/>. It keeps the map's <see cref="SomModel.Encoder"/> (its
    /// categorical columns and feature weights, folded into the kept scaler): give rows the map encoded
    /// (<see cref="SomModel.Encode"/>), with no encoder or with one of the same columns, categories and
    /// weights.
    /// </summary>
    /// <param name="model">The map to train further.</param>
    /// <param name="data">At least one row with the map's features; every value finite.</param>
    /// <param name="progress">Told after each iteration (online) or epoch (batch).</param>
    /// <param name="cancellationToken">Stops training promptly with an <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="SomOptionsException">The options' grid or scaling differ from the map's (every
    /// difference named).</exception>
    /// <exception cref="ArgumentException">The data's features differ from the map's (named), or the data
    /// is empty or not finite.</exception>
    public SomModel Continue(SomModel model, DataSource data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        CodebookInitializer.CheckSameMap(model, Options, data);
        var kept = model.Scaler?.Kind ?? Scaling.None;
        if (Options.Scaling != kept)
        {
            throw new SomOptionsException(nameof(SomOptions.Scaling),
                $"Continuing keeps the map's scaler ({OptionText.ToText(kept)}); the options ask for {OptionText.ToText(Options.Scaling)}. Give Scaling {OptionText.ToText(kept)}, or fit from the map with a new scaler.");
        }

        if (data.Encoder is { } encoder && (model.Encoder is null || !SameEncoding(encoder, model.Encoder)))
        {
            throw new ArgumentException(model.Encoder is null
                ? "Continuing keeps the map's encoding: the map has no encoder (no categorical columns or feature weights), the data's rows come with one. Give the rows without it, or fit from the map to encode anew."
                : "Continuing keeps the map's encoder; the data's encoder has other columns, categories or weights. Encode the rows with the map's (SomModel.Encode), or fit from the map to encode anew.");
        }

        if (model.Encoder is { } own && !own.FeatureNames.SequenceEqual(data.ColumnNames, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The map encodes its features ({string.Join(", ", own.FeatureNames)}) and continuing keeps its encoder; the data's columns are {string.Join(", ", data.ColumnNames)}. Give the rows with the map's feature names (SomModel.Encode gives them).");
        }

        return Train(data, Options with { Initialization = Initialization.Given }, model.Scaler, keepScaler: true,
            (_, _, _, _) => model.Codebook.ToArray(), progress, cancellationToken, model.Encoder);
    }

    /// <summary>Whether two encoders encode alike: the same columns, kinds, categories and weights.</summary>
    private static bool SameEncoding(FeatureEncoder a, FeatureEncoder b) =>
        ReferenceEquals(a, b)
        || (a.Columns.SequenceEqual(b.Columns, StringComparer.Ordinal)
            && a.Kinds.SequenceEqual(b.Kinds)
            && a.Categories.Count == b.Categories.Count
            && a.Categories.Select((c, i) => c.SequenceEqual(b.Categories[i], StringComparer.Ordinal)).All(same => same)
            && a.Weights.SequenceEqual(b.Weights));

    /// <summary>One training: the seed drawn when missing, the scaler fitted (or kept), the codebook
    /// made by <paramref name="start"/> from the rows in the training space, then the online or batch
    /// algorithm. The model keeps <paramref name="keptEncoder"/> when given, else the data's encoder.</summary>
    private static SomModel Train(DataSource data, SomOptions options, FeatureScaler? scaler, bool keepScaler,
        Func<TrainingData, Grid, SomRandom, FeatureScaler?, float[]> start, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken,
        FeatureEncoder? keptEncoder = null)
    {
        if (data.IsStreamed && options.Algorithm != TrainingAlgorithm.Batch)
        {
            throw new SomOptionsException(nameof(SomOptions.Algorithm), "Streamed data trains with the batch algorithm only (the online algorithm visits the rows one by one, in memory).");
        }

        if (data.Rows == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(data));
        }

        data.EnsureFinite();
        if (data.Whole is { } whole && whole.CountEmptyRows() == whole.Rows)
        {
            throw new ArgumentException("Every row of the training data has every value missing; a map needs rows with at least one value.", nameof(data));
        }

        SomModel.CheckFeatureNames(data.ColumnNames);
        options = options.Seed is null ? options with { Seed = Random.Shared.Next() } : options;
        var grid = options.CreateGrid();
        if (!keepScaler)
        {
            scaler = data.FitScaler(options.Scaling);
        }

        var rows = data.ToTraining(scaler);
        EnsureMeasurable(data, rows, scaler);
        var random = new SomRandom(options.Seed!.Value);
        var codebook = start(rows, grid, random, scaler);
        var threads = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        var run = new TrainingRun(rows, options, grid, threads, progress, cancellationToken);
        if (options.Algorithm == TrainingAlgorithm.Online)
        {
            OnlineTrainer.Train(codebook, grid, run, random);
        }
        else
        {
            BatchTrainer.Train(codebook, grid, run);
        }

        var maxWeight = DataMatrix.MaxWeight(data.Columns);
        if (Array.FindIndex(codebook, w => Math.Abs(w) > maxWeight) is var far and >= 0)
        {
            throw new TrainingDivergedException(
                $"The training diverged: weight {far % data.Columns} of node {far / data.Columns} reached {codebook[far]:R}, beyond ±{maxWeight:R}. Try a smaller learning rate, another neighborhood, or scaled data.");
        }

        return new SomModel(grid, data.Columns, codebook, data.ColumnNames, scaler, options, run.History) { Encoder = keptEncoder ?? data.Encoder };
    }

    /// <summary>Refuses in-memory training data with a value beyond ±<see cref="DataMatrix.MaxMagnitude"/>
    /// where distances are measured (after the scaler); streamed rows are checked as they are read.</summary>
    private static void EnsureMeasurable(DataSource data, TrainingData rows, FeatureScaler? scaler)
    {
        if (rows.Whole is not { } measured || data.Whole is not { } raw)
        {
            return;
        }

        var index = measured.FirstBeyondRange();
        if (index >= 0)
        {
            var (row, column) = (index / raw.Columns, index % raw.Columns);
            throw new ArgumentException(scaler is null
                ? $"The training data's row {row}, column {column} ('{raw.ColumnNames[column]}') is {raw.Values[index]:R}; values must be within ±{DataMatrix.MaxMagnitude:R} (or scaled)."
                : $"The training data's row {row}, column {column} ('{raw.ColumnNames[column]}') is {raw.Values[index]:R}, {measured.Values[index]:R} after scaling; scaled values must be within ±{DataMatrix.MaxMagnitude:R}.");
        }
    }
}
