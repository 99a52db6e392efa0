using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Kohonen.Distributed;

/// <summary>
/// Joins a Kohonen cluster: an Orleans cluster whose membership lives in Redis. Workers are silos
/// (<see cref="ConfigureWorker"/>), the trainer is a client (<see cref="ConnectAsync"/>).
/// Membership is tuned so a worker that dies is declared dead within a few seconds: it is probed
/// every second, and three missed probes (two votes where there are more workers) declare it.
/// </summary>
public static class KohonenCluster
{
    /// <summary>The Orleans cluster and service id every Kohonen worker and trainer uses.</summary>
    public const string ClusterId = "kohonen";

    /// <summary>How long <see cref="ConnectAsync"/> waits for a worker to connect to: 30 seconds.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The Redis "host:port" of a cluster address: redis://HOST:PORT or HOST:PORT.</summary>
    /// <exception cref="ArgumentException">Not such an address (the message shows the form).</exception>
    public static string RedisEndpoint(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.Trim();
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            text = text["redis://".Length..].TrimEnd('/');
        }

        var colon = text.LastIndexOf(':');
        if (text.Length == 0 || text.Contains('/', StringComparison.Ordinal) || (colon >= 0 && !int.TryParse(text[(colon + 1)..], out _)) || colon == 0)
        {
            throw new ArgumentException($"The cluster address '{address}' is not redis://HOST:PORT (for example redis://127.0.0.1:6379).", nameof(address));
        }

        return colon < 0 ? text + ":6379" : text;
    }

    /// <summary>
    /// Makes <paramref name="silo"/> a Kohonen worker: Redis membership at <paramref name="address"/>,
    /// the partition grains with <paramref name="worker"/>'s data root and threads, and fast failure
    /// detection. <paramref name="siloPort"/> and <paramref name="gatewayPort"/> of 0 take free ports;
    /// <paramref name="advertisedHost"/> (a name or address) is what the other workers and the trainer
    /// connect to (default: this machine's address).
    /// </summary>
    public static ISiloBuilder ConfigureWorker(ISiloBuilder silo, string address, WorkerOptions worker, int siloPort = 0, int gatewayPort = 0, string? advertisedHost = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(worker);
        var redis = RedisEndpoint(address);
        silo.UseRedisClustering(redis);
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
        siloPort = siloPort == 0 ? FreePort() : siloPort;
        gatewayPort = gatewayPort == 0 ? FreePort() : gatewayPort;
        if (advertisedHost is null)
        {
            silo.ConfigureEndpoints(siloPort, gatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(advertisedHost, siloPort, gatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
        }

        ConfigureWorkerServices(silo, worker);
        return silo;
    }

    /// <summary>The partition grains' services (their placement, evenly over the workers, included)
    /// and the membership timing, without clustering or endpoints (tests host silos in-process with
    /// their own).</summary>
    public static ISiloBuilder ConfigureWorkerServices(ISiloBuilder silo, WorkerOptions worker)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(worker);
        silo.Services.AddSingleton(worker);
        silo.AddPlacementDirector<PartitionPlacement, PartitionPlacementDirector>();
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 3;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
        });
        silo.Configure<SiloMessagingOptions>(o => o.MaxMessageBodySize = int.MaxValue / 2);
        return silo;
    }

    /// <summary>
    /// Connects a client (the trainer) to the cluster at <paramref name="address"/> and returns its
    /// started host; <c>GetRequiredService&lt;IClusterClient&gt;()</c> gives the client. A call may
    /// take up to <paramref name="callTimeout"/>. Dispose the host to leave.
    /// </summary>
    /// <exception cref="ClusterTrainingException">No worker of the cluster could be reached within
    /// <see cref="ConnectTimeout"/>.</exception>
    public static async Task<IHost> ConnectAsync(string address, TimeSpan callTimeout, CancellationToken cancellationToken = default)
    {
        var redis = RedisEndpoint(address);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(redis);
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            client.Configure<ClientMessagingOptions>(o =>
            {
                o.ResponseTimeout = callTimeout;
                o.MaxMessageBodySize = int.MaxValue / 2;
            });
        });
        var host = builder.Build();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(patience.Token).ConfigureAwait(false);
            return host;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            var why = e is OperationCanceledException ? $"no worker answered within {ConnectTimeout.TotalSeconds:0} s." : Explain(e);
            throw new ClusterTrainingException($"Could not join the cluster at {address}: {why} Is Redis reachable there, and is at least one 'kohonen worker' running?", e);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Why joining failed, in the user's terms: Redis refusing or not answering is said as
    /// such (its client's own advice, about connection-string options of its API, is left out);
    /// anything else is the exception's message.</summary>
    public static string Explain(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is StackExchange.Redis.RedisConnectionException redis)
            {
                return $"Redis did not accept a connection ({redis.FailureType}).";
            }
        }

        return error.Message;
    }
}
