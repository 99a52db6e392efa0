
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
    /// Fits a map on rows in memory: <c>Fit(DataSource.FromMatrix(data), progress, cancellationToken)</c>.
    /// </summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <param name="progress">Told after each iteration (online) or epoch (batch), on the training
    /// thread.</param>
    /// <param name="cancellationToken">Stops training promptly with an
    /// <see cref="OperationCanceledException"/>; nothing is returned.</param>
    /// <exception cref="ArgumentException">The data is empty or has a NaN or infinite value (the
    /// message names its row and column).</exception>
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
    /// either way. The source is not disposed.
    /// </summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <param name="progress">Told after each iteration (online) or epoch (batch), on the training
    /// thread.</param>
    /// <param name="cancellationToken">Stops training promptly with an
    /// <see cref="OperationCanceledException"/>; nothing is returned.</param>
    /// <exception cref="ArgumentException">The data is empty or, in memory, has a NaN or infinite value
    /// (the message names its row and column).</exception>
    /// <exception cref="SomOptionsException">A streamed source with the online algorithm or a PCA
    /// initialisation.</exception>
    /// <exception cref="DataFormatException">A streamed file holds a NaN or infinite value (row and column
    /// named).</exception>
    /// <exception cref="TrainingDivergedException">A weight became NaN or infinite during training.</exception>
    public SomModel Fit(DataSource data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.IsStreamed && Options.Algorithm != TrainingAlgorithm.Batch)
        {
            throw new SomOptionsException(nameof(SomOptions.Algorithm), "Streamed data trains with the batch algorithm only (the online algorithm visits the rows one by one, in memory).");
        }

        if (data.Rows == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(data));
        }

        data.EnsureFinite();
        var options = Options.Seed is null ? Options with { Seed = Random.Shared.Next() } : Options;
        var grid = options.CreateGrid();
        var scaler = data.FitScaler(options.Scaling);
        var rows = data.ToTraining(scaler);
        var random = new SomRandom(options.Seed!.Value);
        var codebook = CodebookInitializer.Create(rows, grid, options.Initialization, random);
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

        return new SomModel(grid, data.Columns, codebook, data.ColumnNames, scaler, options, run.History) { Encoder = data.Encoder };
    }
}
