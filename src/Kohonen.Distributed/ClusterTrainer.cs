using System.Globalization;
using System.Diagnostics;

namespace Kohonen.Distributed;

/// <summary>
/// Kohonen's batch map across the workers of an Orleans cluster, coordinated from here (the client).
/// The rows of a .npy, CSV, TSV or Parquet file every worker can reach are cut into contiguous
/// partitions in file order,
/// each held by a partition grain on some worker. Per epoch the codebook goes to every partition,
/// which finds its rows' BMUs (all at once, with last epoch's BMUs as hints); then the epoch's sums
/// pass through the partitions in row order, each adding its rows onto the running sums it is handed
/// (a double sum depends on its order: summing the partitions apart and adding the partials would
/// differ from one machine in the last bits); the coordinator smooths them into the next codebook as
/// the batch map does. The scaler's sums and the quality measurements pass through the partitions the
/// same way; the random and sample initialisations draw from the same generator. So the model is the
/// one <see cref="SomTrainer"/> fits on the whole file, byte for byte, with any number of workers and
/// partitions.
/// </summary>
/// <remarks>
/// A call that fails (its worker died, or it timed out) is tried again after a growing wait: the
/// partition is activated on a surviving worker, reads its rows again and redoes the epoch's search,
/// and the epoch goes on with the same sums. After <see cref="ClusterTrainingOptions.Retries"/>
/// failed tries the training stops with a <see cref="ClusterTrainingException"/>.
/// </remarks>
public sealed class ClusterTrainer
{
    private readonly IGrainFactory _grains;
    private readonly ClusterTrainingOptions _settings;
    private MembershipWatch? _watch;

    /// <summary>A trainer that sends its partitions to the cluster behind <paramref name="grains"/>
    /// (an Orleans client).</summary>
    public ClusterTrainer(IGrainFactory grains, ClusterTrainingOptions? settings = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _grains = grains;
        _settings = settings ?? new ClusterTrainingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.Partitions, 1, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(_settings.Retries, nameof(settings));
    }

    /// <summary>
    /// Fits a batch map on the .npy file at <paramref name="dataPath"/> (as the workers see it) across
    /// the cluster: the same model as <c>new SomTrainer(options).Fit(DataSource.FromNpy(path, …))</c>.
    /// A CSV, TSV or Parquet file is read with every numeric column and, for text, the header and
    /// separator decided from the file (the overload with a <see cref="TableReading"/> chooses them).
    /// </summary>
    /// <param name="options">The batch algorithm, with a random or sample initialisation.</param>
    /// <param name="dataPath">The data file, absolute or relative to the workers' data root.</param>
    /// <param name="columnNames">The features' names (default: the file's).</param>
    /// <param name="progress">Told after each epoch.</param>
    /// <param name="cancellationToken">Stops the training between calls.</param>
    /// <exception cref="SomOptionsException">The online algorithm or the PCA initialisation.</exception>
    /// <exception cref="ClusterTrainingException">No worker answered within the retries, or a worker
    /// could not read the data (the message says which and why).</exception>
    public Task<ClusterTrainingResult> FitAsync(SomOptions options, string dataPath, IReadOnlyList<string>? columnNames = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FitAsync(options, dataPath, null, columnNames, progress, cancellationToken);

    /// <summary>
    /// Fits a batch map on the data file at <paramref name="dataPath"/> (as the workers see it) across
    /// the cluster: a .npy, CSV, TSV (<c>.csv</c>, <c>.tsv</c>, <c>.txt</c>) or Parquet file, the
    /// partitions its rows in file order. The same model as <see cref="SomTrainer"/> fits on the rows
    /// the core's reader reads from the whole file with the same choices. Every row must be complete:
    /// a missing value is refused, naming its line (or row) and column.
    /// </summary>
    /// <param name="options">The batch algorithm, with a random or sample initialisation.</param>
    /// <param name="dataPath">The file, absolute or relative to the workers' data root.</param>
    /// <param name="reading">The feature columns, header and separator of a CSV, TSV or Parquet file
    /// (null: every numeric column, the header and separator decided from the file); null for .npy.</param>
    /// <param name="columnNames">The features' names (default: the file's).</param>
    /// <param name="progress">Told after each epoch.</param>
    /// <param name="cancellationToken">Stops the training between calls.</param>
    /// <exception cref="SomOptionsException">The online algorithm or the PCA initialisation.</exception>
    /// <exception cref="ClusterTrainingException">No worker answered within the retries, or a worker
    /// could not read the data (the message says which and why).</exception>
    public async Task<ClusterTrainingResult> FitAsync(SomOptions options, string dataPath, TableReading? reading, IReadOnlyList<string>? columnNames = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(dataPath);
        options = Checked(options);
        var clock = Stopwatch.StartNew();
        var job = Guid.NewGuid().ToString("N");
        var retries = new RetryCounter();
        var shape = await CallAsync(() => Partition(job, 0).DescribeTableAsync(dataPath, reading), $"reading {dataPath}", retries, cancellationToken).ConfigureAwait(false);
        if (shape.Rows == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(dataPath));
        }

        var count = Math.Min(_settings.Partitions, shape.Rows);
        var specs = Enumerable.Range(0, count).Select(p =>
        {
            var first = (long)shape.Rows * p / count;
            var end = (long)shape.Rows * (p + 1) / count;
            var near = shape.RowOffsets.Length == 0 ? -1 : (int)Math.Min(first / shape.RowStride, shape.RowOffsets.Length - 1);
            return new PartitionSpec
            {
                Path = dataPath, FirstRow = first, Rows = (int)(end - first), TotalRows = shape.Rows,
                Reading = Decided(dataPath, reading, shape),
                SeekByte = near < 0 ? 0 : shape.RowOffsets[near],
                SeekLine = near < 0 ? 1 : shape.RowLines[near],
                SeekRow = near < 0 ? 0 : near * shape.RowStride,
            };
        }).ToArray();
        return await TrainPartitionsAsync(job, specs, count, shape, options, columnNames, clock, retries, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fits a batch map on the rows of several files, one partition per file (shards: files of the
    /// same columns, each reachable by the workers), in the order given: the same model as
    /// <see cref="SomTrainer"/> fits on the files' rows one after the other (as if the files were one
    /// file). A file without rows gives no partition. Each text shard's header and separator are
    /// decided from the shard itself.
    /// </summary>
    /// <param name="options">The batch algorithm, with a random or sample initialisation.</param>
    /// <param name="shardPaths">The files (.npy, CSV, TSV or Parquet), absolute or relative to the
    /// workers' data root, in row order.</param>
    /// <param name="reading">The feature columns, header and separator of CSV, TSV or Parquet shards;
    /// null for .npy.</param>
    /// <param name="columnNames">The features' names (default: the first file's).</param>
    /// <param name="progress">Told after each epoch.</param>
    /// <param name="cancellationToken">Stops the training between calls.</param>
    /// <exception cref="SomOptionsException">The online algorithm or the PCA initialisation.</exception>
    /// <exception cref="ClusterTrainingException">The shards' columns differ, no worker answered within
    /// the retries, or a worker could not read the data (the message says which and why).</exception>
    public async Task<ClusterTrainingResult> FitShardsAsync(SomOptions options, IReadOnlyList<string> shardPaths, TableReading? reading = null, IReadOnlyList<string>? columnNames = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(shardPaths);
        if (shardPaths.Count == 0 || shardPaths.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Give one or more shard files, none empty.", nameof(shardPaths));
        }

        options = Checked(options);
        var clock = Stopwatch.StartNew();
        var job = Guid.NewGuid().ToString("N");
        var retries = new RetryCounter();
        var shapes = await Task.WhenAll(shardPaths.Select((path, p) =>
            CallAsync(() => Partition(job, p).DescribeTableAsync(path, reading), $"reading {path}", retries, cancellationToken))).ConfigureAwait(false);
        for (var p = 1; p < shapes.Length; p++)
        {
            if (!shapes[p].ColumnNames.SequenceEqual(shapes[0].ColumnNames, StringComparer.Ordinal))
            {
                throw new ClusterTrainingException(
                    $"The shards differ in their columns: {shardPaths[0]} has {string.Join(", ", shapes[0].ColumnNames)}; {shardPaths[p]} has {string.Join(", ", shapes[p].ColumnNames)}. Shards must hold the same columns, in the same order.");
            }
        }

        var total = shapes.Sum(s => (long)s.Rows);
        if (total == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(shardPaths));
        }

        if (total > int.MaxValue)
        {
            throw new ClusterTrainingException($"The shards hold {total} rows, more than a training takes ({int.MaxValue}).");
        }

        var specs = new List<PartitionSpec>();
        long first = 0;
        for (var p = 0; p < shapes.Length; p++)
        {
            var shape = shapes[p];
            if (shape.Rows == 0)
            {
                continue;
            }

            specs.Add(new PartitionSpec
            {
                Path = shardPaths[p], FirstRow = first, Rows = shape.Rows, TotalRows = (int)total, FileFirstRow = 0,
                Reading = Decided(shardPaths[p], reading, shape),
                SeekByte = shape.RowOffsets.Length == 0 ? 0 : shape.RowOffsets[0],
                SeekLine = shape.RowLines.Length == 0 ? 1 : shape.RowLines[0],
            });
            first += shape.Rows;
        }

        // Every shard's grain described its file: all of them are let go at the end.
        return await TrainPartitionsAsync(job, [.. specs], shapes.Length, shapes[0], options, columnNames, clock, retries, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The options checked for what a cluster trains.</summary>
    private static SomOptions Checked(SomOptions options)
    {
        options = options.Validate();
        if (options.Algorithm != TrainingAlgorithm.Batch)
        {
            throw new SomOptionsException(nameof(SomOptions.Algorithm), "A cluster trains with the batch algorithm only (the online algorithm visits the rows one by one on one machine).");
        }

        if (options.Initialization == Initialization.Pca)
        {
            throw new SomOptionsException(nameof(SomOptions.Initialization), "Initialization pca needs the data on one machine; on a cluster use random or sample.");
        }

        if (options.Initialization == Initialization.Given)
        {
            throw new SomOptionsException(nameof(SomOptions.Initialization), "A given codebook (--init-from, --continue) is trained on one machine; on a cluster use random or sample.");
        }

        if (options.Distance != DistanceMetric.Euclidean)
        {
            throw new SomOptionsException(nameof(SomOptions.Distance), $"A cluster trains with the Euclidean distance only; {OptionText.ToText(options.Distance)} trains on one machine.");
        }

        return options;
    }

    /// <summary>Trains on the partitions, then lets the grains of the first <paramref name="grains"/>
    /// partition indices go.</summary>
    private async Task<ClusterTrainingResult> TrainPartitionsAsync(string job, PartitionSpec[] specs, int grains, DataShape shape, SomOptions options, IReadOnlyList<string>? columnNames,
        Stopwatch clock, RetryCounter retries, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (columnNames is not null && columnNames.Count != shape.Columns)
        {
            throw new ArgumentException($"{columnNames.Count} column names were given for {shape.Columns} columns.", nameof(columnNames));
        }

        var count = specs.Length;
        var workers = await CountWorkersAsync().ConfigureAwait(false);
        await using var watch = new MembershipWatch(_grains, _settings.MembershipPoll);
        _watch = watch;
        try
        {
            options = options.Seed is null ? options with { Seed = Random.Shared.Next() } : options;
            var dim = shape.Columns;
            var scaler = await FitScalerAsync(job, specs, dim, options.Scaling, retries, cancellationToken).ConfigureAwait(false);
            if (scaler is not null)
            {
                specs = [.. specs.Select(s => s.WithScaler(scaler))];
            }

            var grid = options.CreateGrid();
            var random = new SomRandom(options.Seed!.Value);
            var codebook = await InitializeAsync(job, specs, grid, dim, options.Initialization, random, retries, cancellationToken).ConfigureAwait(false);
            var (history, epochs) = await TrainAsync(job, specs, codebook, grid, options, clock, progress, retries, cancellationToken).ConfigureAwait(false);
            var model = new SomModel(grid, dim, codebook, columnNames ?? shape.ColumnNames, scaler, options, history);
            var nodes = (long)grid.NodeCount;
            var bytes = count * ((nodes * dim * sizeof(float)) + (2 * nodes * (dim + 1) * sizeof(double)));
            return new ClusterTrainingResult(model, workers, count, epochs, bytes);
        }
        finally
        {
            await ReleaseAsync(job, grains).ConfigureAwait(false);
        }
    }

    /// <summary>The bytes one epoch moves for a map of <paramref name="nodes"/> nodes and
    /// <paramref name="features"/> features over <paramref name="partitions"/> partitions.</summary>
    public static long BytesPerEpoch(long nodes, int features, int partitions) =>
        partitions * ((nodes * features * sizeof(float)) + (2 * nodes * (features + 1) * sizeof(double)));

    /// <summary>How every partition reads a CSV, TSV or Parquet file: the columns asked for, with the
    /// header and separator decided once for the whole file; null for a .npy file.</summary>
    private static TableReading? Decided(string path, TableReading? reading, DataShape shape) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" or ".tsv" or ".txt" => new TableReading { Columns = reading?.Columns, HasHeader = shape.HasHeader, Delimiter = shape.Delimiter },
            ".parquet" => new TableReading { Columns = reading?.Columns },
            _ => null,
        };

    private IPartitionGrain Partition(string job, int index) => _grains.GetGrain<IPartitionGrain>($"{job}/{index}");

    private async Task<int> CountWorkersAsync()
    {
        try
        {
            var hosts = await _grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(_settings.CallTimeout).ConfigureAwait(false);
            return hosts.Count;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ClusterTrainingException($"The cluster does not answer ({e.Message}); start workers with 'kohonen worker --cluster ...' first.", e);
        }
    }

    private async Task<FeatureScaler?> FitScalerAsync(string job, PartitionSpec[] specs, int dim, Scaling kind, RetryCounter retries, CancellationToken cancellationToken)
    {
        if (kind == Scaling.None)
        {
            return null;
        }

        var moments = new ColumnMoments { Min = Filled(dim, double.PositiveInfinity), Max = Filled(dim, double.NegativeInfinity), Sum = new double[dim] };
        for (var p = 0; p < specs.Length; p++)
        {
            var (index, current) = (p, moments);
            moments = await CallAsync(() => Partition(job, index).AddMomentsAsync(specs[index], current), $"partition {p}'s scaler sums", retries, cancellationToken).ConfigureAwait(false);
        }

        // As FeatureScaler.Fit, from the same sums.
        var rows = moments.Rows;
        var offset = new float[dim];
        var factor = new float[dim];
        if (kind == Scaling.MinMax)
        {
            for (var c = 0; c < dim; c++)
            {
                offset[c] = (float)moments.Min[c];
                factor[c] = moments.Max[c] > moments.Min[c] ? (float)(1.0 / (moments.Max[c] - moments.Min[c])) : 1f;
            }
        }
        else
        {
            var mean = moments.Sum.Select(s => s / rows).ToArray();
            var squares = new ColumnMoments { Min = moments.Min, Max = moments.Max, Sum = new double[dim] };
            for (var p = 0; p < specs.Length; p++)
            {
                var (index, current) = (p, squares);
                squares = await CallAsync(() => Partition(job, index).AddSquaresAsync(specs[index], mean, current), $"partition {p}'s scaler spread", retries, cancellationToken).ConfigureAwait(false);
            }

            for (var c = 0; c < dim; c++)
            {
                var std = Math.Sqrt(squares.Sum[c] / rows);
                offset[c] = (float)mean[c];
                factor[c] = std > 0 ? (float)(1.0 / std) : 1f;
            }
        }

        for (var c = 0; c < dim; c++)
        {
            if (!float.IsFinite(factor[c]))
            {
                factor[c] = 1f;
            }
        }

        return new FeatureScaler(kind, offset, factor);
    }

    private async Task<float[]> InitializeAsync(string job, PartitionSpec[] specs, Grid grid, int dim, Initialization kind, SomRandom random, RetryCounter retries, CancellationToken cancellationToken)
    {
        var codebook = new float[(long)grid.NodeCount * dim];
        if (kind == Initialization.Random)
        {
            // As the core's random initialisation: uniform within each feature's range.
            var ranges = await Task.WhenAll(specs.Select((s, p) => CallAsync(() => Partition(job, p).RangeAsync(s), $"partition {p}'s range", retries, cancellationToken))).ConfigureAwait(false);
            var min = Filled(dim, double.PositiveInfinity);
            var max = Filled(dim, double.NegativeInfinity);
            foreach (var range in ranges)
            {
                for (var f = 0; f < dim; f++)
                {
                    min[f] = Math.Min(min[f], range[f]);
                    max[f] = Math.Max(max[f], range[dim + f]);
                }
            }

            for (var i = 0; i < codebook.Length; i++)
            {
                var f = i % dim;
                codebook[i] = (float)(min[f] + (random.NextDouble() * (max[f] - min[f])));
            }

            return codebook;
        }

        // As the core's sample initialisation: the first nodes of a permutation of the rows, or rows
        // drawn with replacement when there are fewer rows than nodes.
        var total = specs[^1].FirstRow + specs[^1].Rows;
        var nodes = grid.NodeCount;
        int[] picked;
        if (total >= nodes)
        {
            var order = new int[total];
            random.Permutation(order);
            picked = order[..nodes];
        }
        else
        {
            picked = [.. Enumerable.Range(0, nodes).Select(_ => random.NextInt((int)total))];
        }

        var starts = specs.Select(s => s.FirstRow).ToArray();
        var owner = picked.Select(row => Array.FindLastIndex(starts, s => s <= row)).ToArray();
        for (var p = 0; p < specs.Length; p++)
        {
            var wanted = Enumerable.Range(0, nodes).Where(k => owner[k] == p).ToArray();
            if (wanted.Length == 0)
            {
                continue;
            }

            var index = p;
            var local = wanted.Select(k => (int)(picked[k] - specs[index].FirstRow)).ToArray();
            var rows = await CallAsync(() => Partition(job, index).RowsAsync(specs[index], local), $"partition {p}'s sample rows", retries, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < wanted.Length; i++)
            {
                rows.AsSpan(i * dim, dim).CopyTo(codebook.AsSpan(wanted[i] * dim, dim));
            }
        }

        return codebook;
    }

    private async Task<(List<TrainingStep> History, List<EpochTiming> Epochs)> TrainAsync(string job, PartitionSpec[] specs, float[] codebook, Grid grid, SomOptions options,
        Stopwatch clock, IProgress<TrainingProgress>? progress, RetryCounter retries, CancellationToken cancellationToken)
    {
        var dim = codebook.Length / grid.NodeCount;
        var schedule = new TrainingSchedule(options);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _settings.Threads ?? Environment.ProcessorCount };
        var history = new List<TrainingStep>();
        var epochs = new List<EpochTiming>();
        for (var epoch = 0; epoch < options.Iterations; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sigma = schedule.Sigma(epoch);
            var retriesBefore = retries.Count;
            var epochClock = Stopwatch.StartNew();
            var sent = (float[])codebook.Clone();
            var e = epoch;

            // Every partition's BMUs at once, then the sums through the partitions in row order.
            var searches = await Task.WhenAll(specs.Select((s, p) =>
                CallAsync(() => Partition(job, p).FindBmusAsync(s, e, sent), $"partition {p}'s BMU search in epoch {e + 1}", retries, cancellationToken))).ConfigureAwait(false);
            var running = new EpochSums { Sums = new double[(long)grid.NodeCount * dim], Counts = new double[grid.NodeCount] };
            var adding = TimeSpan.Zero;
            for (var p = 0; p < specs.Length; p++)
            {
                var (index, current) = (p, running);
                running = await CallAsync(async () =>
                {
                    var grain = Partition(job, index);
                    if (await grain.AddRowsAsync(specs[index], e, current).ConfigureAwait(false) is { } done)
                    {
                        return done;
                    }

                    // A new activation (the partition's worker was lost): redo its search first.
                    await grain.FindBmusAsync(specs[index], e, sent).ConfigureAwait(false);
                    return await grain.AddRowsAsync(specs[index], e, current).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"Partition {index} lost its BMUs again.");
                }, $"partition {p}'s sums in epoch {e + 1}", retries, cancellationToken).ConfigureAwait(false);
                adding += running.Compute;
            }

            var outside = epochClock.Elapsed;
            var reduceClock = Stopwatch.StartNew();
            BatchTrainer.SmoothInto(codebook, grid, options.Neighborhood, sigma, running.Sums, running.Counts, parallel);
            var reduce = reduceClock.Elapsed;
            var compute = searches.Max() + adding;
            var transfer = outside > compute ? outside - compute : TimeSpan.Zero;
            epochs.Add(new EpochTiming(epoch + 1, compute, transfer, reduce, retries.Count - retriesBefore));

            // As TrainingRun.Report: measure when due, then tell the progress.
            double? qe = null, te = null;
            var every = options.MetricsEvery;
            if (every > 0 && ((epoch + 1) % every == 0 || epoch == options.Iterations - 1))
            {
                var measured = await MeasureAsync(job, specs, codebook, grid, retries, cancellationToken).ConfigureAwait(false);
                qe = measured.Distances / measured.Rows;
                te = grid.NodeCount < 2 ? double.NaN : measured.Apart / measured.Rows;
                history.Add(new TrainingStep(epoch + 1, sigma, double.NaN, qe.Value, te.Value));
                if (double.IsNaN(te.Value))
                {
                    te = null;
                }
            }

            progress?.Report(new TrainingProgress(epoch + 1, options.Iterations, sigma, double.NaN, clock.Elapsed, qe, te));
        }

        return (history, epochs);
    }

    private async Task<MeasureSums> MeasureAsync(string job, PartitionSpec[] specs, float[] codebook, Grid grid, RetryCounter retries, CancellationToken cancellationToken)
    {
        var sent = (float[])codebook.Clone();
        var sums = new MeasureSums();
        for (var p = 0; p < specs.Length; p++)
        {
            var (index, current) = (p, sums);
            sums = await CallAsync(() => Partition(job, index).MeasureAsync(specs[index], sent, grid.Width, grid.Height, (int)grid.Topology, grid.Toroidal, current),
                $"partition {p}'s measurement", retries, cancellationToken).ConfigureAwait(false);
        }

        return sums;
    }

    /// <summary>A call to a partition, tried again after a growing wait when it fails for a reason
    /// other than the data (a lost worker, a timeout).</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, string what, RetryCounter retries, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A call also fails when a worker leaves the cluster while it runs: a request to a dead
            // worker may otherwise wait out the whole timeout.
            var lost = _watch?.Lost ?? CancellationToken.None;
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lost);
            try
            {
                return await call().WaitAsync(_settings.CallTimeout, either.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsDataError(e))
            {
                throw new ClusterTrainingException($"{Capitalized(what)}: {e.Message}", e);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _settings.Retries)
                {
                    throw new ClusterTrainingException(
                        $"{Capitalized(what)} failed {attempt + 1} times: no worker of the cluster answered ({e.GetType().Name}: {e.Message}). Check that workers are running ('kohonen worker --cluster ...') and can read the data.", e);
                }

                retries.Add();
                var wait = _settings.RetryDelay * (1 << Math.Min(attempt, 3));
                _settings.OnRetry?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"{Capitalized(what)} failed ({e.GetType().Name}); tried again in {wait.TotalSeconds:0.#} s on a surviving worker, attempt {attempt + 2} of {_settings.Retries + 1}."));
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsDataError(Exception e) =>
        e is WorkerDataException or DataFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            || (e is ArgumentException && e is not ArgumentNullException);

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private async Task ReleaseAsync(string job, int count)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(p => Partition(job, p).ReleaseAsync())).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The partitions are let go when their workers deactivate idle grains anyway.
        }
    }

    private static double[] Filled(int length, double value)
    {
        var values = new double[length];
        Array.Fill(values, value);
        return values;
    }

    /// <summary>Polls the cluster's active workers; <see cref="Lost"/> is cancelled when one that was
    /// active is no longer, or when the cluster stops answering (then a fresh token is handed out for
    /// the calls that follow).</summary>
    private sealed class MembershipWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _polling;
        private CancellationTokenSource _lost = new();

        public MembershipWatch(IGrainFactory grains, TimeSpan period)
        {
            _polling = PollAsync(grains.GetGrain<IManagementGrain>(0), period, _stop.Token);
        }

        public CancellationToken Lost => Volatile.Read(ref _lost).Token;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _polling.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            _stop.Dispose();
            _lost.Dispose();
        }

        private async Task PollAsync(IManagementGrain management, TimeSpan period, CancellationToken stop)
        {
            HashSet<SiloAddress> known = [];
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(period, stop).ConfigureAwait(false);
                try
                {
                    var active = (await management.GetHosts(onlyActive: true).WaitAsync(period * 5, stop).ConfigureAwait(false)).Keys.ToHashSet();
                    if (known.Any(s => !active.Contains(s)))
                    {
                        var old = Interlocked.Exchange(ref _lost, new CancellationTokenSource());
                        await old.CancelAsync().ConfigureAwait(false);
                    }

                    known = active;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    // The cluster did not answer: count every worker seen so far as lost (once), or a
                    // call to a worker that died with all the others would wait out its whole timeout.
                    if (known.Count > 0)
                    {
                        var old = Interlocked.Exchange(ref _lost, new CancellationTokenSource());
                        await old.CancelAsync().ConfigureAwait(false);
                        known = [];
                    }
                }
            }
        }
    }

    private sealed class RetryCounter
    {
        private int _count;

        public int Count => _count;

        public void Add() => Interlocked.Increment(ref _count);
    }
}
