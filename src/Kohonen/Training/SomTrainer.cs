
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
    /// Fits a map: fits the scaler (if any) on <paramref name="data"/>, initialises the codebook, runs
    /// the online or batch algorithm, and returns the model, whose <see cref="SomModel.Options"/> carry
    /// the seed that was used.
    /// </summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <param name="progress">Told after each iteration (online) or epoch (batch).</param>
    /// <param name="cancellationToken">Stops training promptly with an
    /// <see cref="OperationCanceledException"/>; nothing is returned.</param>
    /// <exception cref="ArgumentException">The data is empty or has a NaN or infinite value (the
    /// message names its row and column).</exception>
    public SomModel Fit(DataMatrix data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(data));
        }

        data.EnsureFinite();
        var options = Options.Seed is null ? Options with { Seed = Random.Shared.Next() } : Options;
        var grid = options.CreateGrid();
        var scaler = FeatureScaler.Fit(data, options.Scaling);
        var training = scaler is null ? data : scaler.Transform(data);
        var random = new SomRandom(options.Seed!.Value);
        var rows = new TrainingData.InMemory(training);
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

        return new SomModel(grid, data.Columns, codebook, data.ColumnNames, scaler, options, run.History);
    }

    /// <summary>
    /// Fits a map with the batch algorithm on a .npy file too large for memory, reading it
    /// <paramref name="rowsPerChunk"/> rows at a time (once per epoch, and once or twice more for the
    /// scaler, the random initialisation and QE/TE). Working memory is a chunk of rows plus the
    /// codebook-sized sums, whatever the number of rows. The model is the one <see cref="Fit(DataMatrix, IProgress{TrainingProgress}?, CancellationToken)"/>
    /// gives on the same rows, bit for bit: the rows are summed in file order either way.
    /// </summary>
    /// <exception cref="SomOptionsException">The options are not the batch algorithm, or ask for PCA initialisation.</exception>
    /// <exception cref="DataFormatException">A value in the file is NaN or infinite.</exception>
    public SomModel Fit(NpyRowReader source, int rowsPerChunk, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        if (Options.Algorithm != TrainingAlgorithm.Batch)
        {
            throw new SomOptionsException(nameof(SomOptions.Algorithm), "Streamed data trains with the batch algorithm only (the online algorithm visits the rows one by one, in memory).");
        }

        if (source.Rows == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(source));
        }

        var options = Options.Seed is null ? Options with { Seed = Random.Shared.Next() } : Options;
        var grid = options.CreateGrid();
        var scaler = FeatureScaler.Fit(() => source.Chunks(rowsPerChunk).Select(c => c.Rows), source.Columns, options.Scaling);
        var rows = new TrainingData.Streamed(source, rowsPerChunk, scaler);
        var random = new SomRandom(options.Seed!.Value);
        var codebook = CodebookInitializer.Create(rows, grid, options.Initialization, random);
        var threads = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        var run = new TrainingRun(rows, options, grid, threads, progress, cancellationToken);
        BatchTrainer.Train(codebook, grid, run);
        return new SomModel(grid, source.Columns, codebook, source.ColumnNames, scaler, options, run.History);
    }
}
