using System.CommandLine;
using Kohonen.Cli.Settings;
using Kohonen.Distributed;
using Microsoft.Extensions.DependencyInjection;
using static System.FormattableString;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen train --cluster</c>'s flags.</summary>
internal sealed class ClusterTrainOptions
{
    public Option<string?> Cluster { get; } = new("--cluster") { Description = "Train across the workers of this cluster, redis://HOST:PORT (batch map; --data a .npy, CSV, TSV or Parquet file every worker reaches at that path or under its --data-root). The model is the one machine's, byte for byte." };

    public Option<int?> Partitions { get; } = new("--partitions") { Description = "--cluster: cut the rows into this many partitions (default: KOHONEN_CLUSTER_PARTITIONS, else 4 per worker)." };

    public Option<int?> CallTimeout { get; } = new("--call-timeout") { Description = "--cluster: seconds one call to a partition may take before it counts as failed (default: KOHONEN_CLUSTER_TIMEOUT, else 300)." };

    public Option<int?> Retries { get; } = new("--retries") { Description = "--cluster: times a failed call is tried again on a surviving worker before the training fails (default: KOHONEN_CLUSTER_RETRIES, else 5)." };

    public IEnumerable<Option> All => [Cluster, Partitions, CallTimeout, Retries];
}

/// <summary>
/// A <c>kohonen train</c> that fits across a cluster: checks what a cluster can train, opens the
/// data for the session's bookkeeping (rows, final metrics), and fits through
/// <see cref="ClusterTrainer"/>, keeping how the cluster spent its time for the summary.
/// </summary>
internal sealed class ClusterTraining
{
    private const int BookkeepingRowsPerChunk = 65536;
    private readonly string _address;
    private readonly string _dataPath;
    private readonly int? _partitions;
    private readonly TimeSpan _callTimeout;
    private readonly int _retries;
    private readonly int? _threads;
    private readonly IReadOnlyList<string>? _columns;
    private readonly string[]? _shards;
    private TableReading? _reading;
    private IReadOnlyList<string>? _columnNames;

    private ClusterTraining(string address, string dataPath, int? partitions, TimeSpan callTimeout, int retries, int? threads, IReadOnlyList<string>? columns = null, string[]? shards = null)
    {
        (_address, _dataPath, _partitions, _callTimeout, _retries, _threads, _columns, _shards) = (address, dataPath, partitions, callTimeout, retries, threads, columns, shards);
    }

    /// <summary>Whether the data is a .npy array (else a CSV, TSV or Parquet file).</summary>
    private bool IsNpy => string.Equals(Path.GetExtension(_dataPath), ".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>What the cluster did, once it has trained.</summary>
    public ClusterSummary? Summary { get; private set; }

    /// <summary>The training across the cluster <c>--cluster</c> names, or null without it; a usage
    /// error for what a cluster cannot train.</summary>
    public static ClusterTraining? From(ParseResult r, ClusterTrainOptions flags, KohonenSettings settings, string? dataPath, SomOptions options,
        bool streamed, KeptOptions kept, string[]? columns)
    {
        var address = r.GetValue(flags.Cluster);
        if (address is null)
        {
            foreach (var flag in new Option[] { flags.Partitions, flags.CallTimeout, flags.Retries })
            {
                if (r.GetResult(flag) is not null)
                {
                    throw new UsageException($"{flag.Name} goes with --cluster.");
                }
            }

            return null;
        }

        try
        {
            KohonenCluster.RedisEndpoint(address);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--cluster: {CommandRunner.PlainMessage(e)}");
        }

        if (options.Algorithm != TrainingAlgorithm.Batch)
        {
            throw new UsageException("--cluster trains the batch map: add --epochs N (or --algorithm batch).");
        }

        // A folder: its data files are shards, a partition each.
        var shards = dataPath is not null && Directory.Exists(dataPath) ? DataFiles.Shards(dataPath) : null;
        if (shards is not null && r.GetResult(flags.Partitions) is not null)
        {
            throw new UsageException("--partitions does not go with a folder of shards: each file is a partition.");
        }

        var kind = shards?[0] ?? dataPath;
        var npy = kind is not null && string.Equals(Path.GetExtension(kind), ".npy", StringComparison.OrdinalIgnoreCase);
        if (dataPath is null || kind is null || !(npy || DataFiles.IsParquet(kind) || DataFiles.CsvDelimiter(kind) is not null))
        {
            throw new UsageException("--cluster reads a data file every worker can reach: give it as --data FILE (.npy, .csv, .tsv, .txt or .parquet), or a folder of such files (shards).");
        }

        if (streamed)
        {
            throw new UsageException("--cluster and --batch-size do not go together: the workers hold the rows, a partition each.");
        }

        if (npy && (kept.Column is not null || kept.Supervised || kept.Clusters is not null || columns is { Length: > 0 }))
        {
            throw new UsageException("--cluster trains on every column of the .npy file: drop --columns, --label-column, --target-column, --supervised and --clusters.");
        }

        if (kept.Column is not null || kept.Supervised || kept.Clusters is not null)
        {
            throw new UsageException("--cluster trains on numeric feature columns only: labels and targets (--label-column, --target-column, --supervised) and segments (--clusters) are not trained across a cluster; drop them, or drop --cluster to train on one machine.");
        }

        var partitions = r.GetValue(flags.Partitions) ?? settings.ClusterPartitions;
        if (partitions is < 1 or > 65536)
        {
            throw new UsageException(Invariant($"--partitions must be in 1..65536; got {partitions}."));
        }

        var timeout = r.GetValue(flags.CallTimeout) ?? settings.ClusterTimeoutSeconds;
        if (timeout is < 1 or > 86400)
        {
            throw new UsageException(Invariant($"--call-timeout must be in 1..86400 seconds; got {timeout}."));
        }

        var retries = r.GetValue(flags.Retries) ?? settings.ClusterRetries;
        if (retries is < 0 or > 100)
        {
            throw new UsageException(Invariant($"--retries must be in 0..100; got {retries}."));
        }

        return new ClusterTraining(address, dataPath, partitions, TimeSpan.FromSeconds(timeout), retries, options.MaxDegreeOfParallelism, DataFiles.Columns(columns), shards);
    }

    /// <summary>The service's POST /train fitter for KOHONEN_CLUSTER (null when it is not set).</summary>
    public static Func<SomOptions, string, IReadOnlyList<string>, IProgress<TrainingProgress>?, CancellationToken, Task<SomModel>>? ForService(KohonenSettings settings)
    {
        if (settings.Cluster is not { } address)
        {
            return null;
        }

        try
        {
            KohonenCluster.RedisEndpoint(address);
        }
        catch (ArgumentException e)
        {
            throw new SettingsException($"KOHONEN_CLUSTER: {CommandRunner.PlainMessage(e)}");
        }

        return async (options, path, names, progress, cancellationToken) =>
        {
            var training = new ClusterTraining(address, path, settings.ClusterPartitions, TimeSpan.FromSeconds(settings.ClusterTimeoutSeconds), settings.ClusterRetries, options.MaxDegreeOfParallelism);
            return await training.FitAsync(options, progress, cancellationToken, names).ConfigureAwait(false);
        };
    }

    /// <summary>The data as the session sees it (read a chunk at a time, only for the rows, the
    /// columns and final metrics the training did not measure).</summary>
    public DataSource? OpenInput() => IsNpy && _shards is null ? DataSource.FromNpy(_dataPath, BookkeepingRowsPerChunk) : null;

    /// <summary>
    /// A CSV, TSV or Parquet file as the session sees it (null for a .npy file): read once here, as
    /// <c>--batch-size</c> reads it, into a temporary .npy file for the rows, the columns and the final
    /// metrics. The header and separator it decided are what every worker then reads its rows with;
    /// a missing value is refused here already (a cluster trains on complete rows).
    /// </summary>
    public async Task<DataFiles.Streamed?> OpenTableAsync(DataReading reading, Action<string>? converting, CancellationToken cancellationToken)
    {
        if (IsNpy || _shards is not null)
        {
            return null;
        }

        var table = await DataFiles.Streamed.OpenAsync(_dataPath, "--data", BookkeepingRowsPerChunk, _columns, null, reading with { Missing = MissingValuePolicy.Error }, converting, cancellationToken).ConfigureAwait(false);
        var text = !DataFiles.IsParquet(_dataPath);
        _reading = new TableReading
        {
            Columns = _columns is null ? null : [.. _columns],
            HasHeader = text ? table.Header is not null : null,
            Delimiter = text ? table.Delimiter : null,
        };
        _columnNames = table.Source.ColumnNames;
        return table;
    }

    /// <summary>
    /// A folder of shards as the session sees it (null for one file): every shard read here, one after
    /// the other (as <c>--batch-size</c> reads a file), into one temporary .npy file for the rows, the
    /// columns and the final metrics; a missing value is refused here already. Each text shard's header
    /// and separator are decided from the shard (unless given), here and on the workers alike.
    /// </summary>
    public async Task<ShardRows?> OpenShardsAsync(DataReading reading, Action<string>? converting, CancellationToken cancellationToken)
    {
        if (_shards is null)
        {
            return null;
        }

        var temporary = Path.Combine(Path.GetTempPath(), $"kohonen-shards-{Guid.NewGuid():N}.npy");
        converting?.Invoke(temporary);
        IReadOnlyList<string>? names = null;
        try
        {
            using (var writer = NpyChunkWriter.Create(temporary))
            {
                foreach (var shard in _shards)
                {
                    using var part = await DataFiles.Streamed.OpenAsync(shard, "--data", BookkeepingRowsPerChunk, _columns, null, reading with { Missing = MissingValuePolicy.Error }, null, cancellationToken).ConfigureAwait(false);
                    if (names is null)
                    {
                        names = part.Source.ColumnNames;
                    }
                    else if (!names.SequenceEqual(part.Source.ColumnNames, StringComparer.Ordinal))
                    {
                        throw new UsageException($"--data: the shards differ in their columns: {_shards[0]} has {string.Join(", ", names)}; {shard} has {string.Join(", ", part.Source.ColumnNames)}.");
                    }

                    foreach (var chunk in part.Source.Chunks())
                    {
                        writer.Write(chunk);
                    }
                }

                writer.Complete();
            }

            var text = DataFiles.CsvDelimiter(_shards[0]) is not null;
            _reading = string.Equals(Path.GetExtension(_shards[0]), ".npy", StringComparison.OrdinalIgnoreCase)
                ? null
                : new TableReading { Columns = _columns is null ? null : [.. _columns], HasHeader = text ? reading.Header : null, Delimiter = text ? reading.Delimiter : null };
            _columnNames = names;
            return new ShardRows(DataSource.FromNpy(temporary, BookkeepingRowsPerChunk, names), temporary);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Where to say that a call was tried again (a worker lost); null to say nothing.</summary>
    public Action<string>? OnRetry { get; set; }

    /// <summary>Fits the map across the cluster.</summary>
    public Task<SomModel> FitAsync(SomOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        FitAsync(options, progress, cancellationToken, _columnNames);

    private async Task<SomModel> FitAsync(SomOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken, IReadOnlyList<string>? columnNames)
    {
        using var host = await KohonenCluster.ConnectAsync(_address, _callTimeout, cancellationToken).ConfigureAwait(false);
        var client = host.Services.GetRequiredService<IClusterClient>();
        var workers = (await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(_callTimeout, cancellationToken).ConfigureAwait(false)).Count;
        if (workers == 0)
        {
            throw new ClusterTrainingException($"The cluster at {_address} has no worker; start some with 'kohonen worker --cluster {_address}'.");
        }

        var settings = new ClusterTrainingOptions
        {
            Partitions = _partitions ?? 4 * workers,
            CallTimeout = _callTimeout,
            Retries = _retries,
            Threads = _threads,
            OnRetry = OnRetry,
        };
        var trainer = new ClusterTrainer(client, settings);
        var result = _shards is null
            ? await trainer.FitAsync(options, _dataPath, _reading, columnNames, progress, cancellationToken).ConfigureAwait(false)
            : await trainer.FitShardsAsync(options, _shards, _reading, columnNames, progress, cancellationToken).ConfigureAwait(false);
        Summary = new ClusterSummary(_address, result.Workers, result.Partitions, result.BytesPerEpoch, result.Epochs.Sum(e => e.Retries),
            [.. result.Epochs.Select(e => new ClusterEpoch(e.Epoch, Math.Round(e.Compute.TotalSeconds, 6), Math.Round(e.Transfer.TotalSeconds, 6), Math.Round(e.Reduce.TotalSeconds, 6), e.Retries))]);
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return result.Model;
    }
}

/// <summary>The rows of a folder of shards, gathered in a temporary .npy file (deleted on dispose).</summary>
internal sealed class ShardRows(DataSource source, string temporary) : IDisposable
{
    /// <summary>The shards' rows, one after the other.</summary>
    public DataSource Source { get; } = source;

    public void Dispose()
    {
        Source.Dispose();
        File.Delete(temporary);
    }
}
