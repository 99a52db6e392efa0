using System.CommandLine;
using Kohonen.Cli.Settings;
using Kohonen.Distributed;
using Microsoft.Extensions.DependencyInjection;
using static System.FormattableString;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen train --cluster</c>'s flags.</summary>
internal sealed class ClusterTrainOptions
{
    public Option<string?> Cluster { get; } = new("--cluster") { Description = "Train across the workers of this cluster, redis://HOST:PORT (batch map; --data a .npy file every worker reaches at that path or under its --data-root). The model is the one machine's, byte for byte." };

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

    private ClusterTraining(string address, string dataPath, int? partitions, TimeSpan callTimeout, int retries, int? threads)
    {
        (_address, _dataPath, _partitions, _callTimeout, _retries, _threads) = (address, dataPath, partitions, callTimeout, retries, threads);
    }

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

        if (dataPath is null || !string.Equals(Path.GetExtension(dataPath), ".npy", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("--cluster reads a .npy file every worker can reach: give it as --data FILE.npy (a CSV trains on one machine, or streams with --batch-size).");
        }

        if (streamed)
        {
            throw new UsageException("--cluster and --batch-size do not go together: the workers hold the rows, a partition each.");
        }

        if (kept.Column is not null || kept.Supervised || kept.Clusters is not null || columns is { Length: > 0 })
        {
            throw new UsageException("--cluster trains on every column of the .npy file: drop --columns, --label-column, --target-column, --supervised and --clusters.");
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

        return new ClusterTraining(address, dataPath, partitions, TimeSpan.FromSeconds(timeout), retries, options.MaxDegreeOfParallelism);
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
    public DataSource OpenInput() => DataSource.FromNpy(_dataPath, BookkeepingRowsPerChunk);

    /// <summary>Fits the map across the cluster.</summary>
    public Task<SomModel> FitAsync(SomOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        FitAsync(options, progress, cancellationToken, null);

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
        };
        var result = await new ClusterTrainer(client, settings).FitAsync(options, _dataPath, columnNames, progress, cancellationToken).ConfigureAwait(false);
        Summary = new ClusterSummary(_address, result.Workers, result.Partitions, result.BytesPerEpoch, result.Epochs.Sum(e => e.Retries),
            [.. result.Epochs.Select(e => new ClusterEpoch(e.Epoch, Math.Round(e.Compute.TotalSeconds, 6), Math.Round(e.Transfer.TotalSeconds, 6), Math.Round(e.Reduce.TotalSeconds, 6), e.Retries))]);
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return result.Model;
    }
}
