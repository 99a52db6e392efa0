using System.CommandLine;
using Kohonen.Cli.Settings;
using Kohonen.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static System.FormattableString;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen worker</c>: an Orleans silo that holds partitions of cluster trainings.</summary>
internal static class WorkerCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment)
    {
        var cluster = new Option<string?>("--cluster") { Description = "The cluster to join, redis://HOST:PORT (default: KOHONEN_CLUSTER)." };
        var dataRoot = new Option<string?>("--data-root") { Description = "Read data only under this folder; relative paths start here (default: KOHONEN_WORKER_DATA_ROOT, else any path)." };
        var threads = CommonOptions.Threads();
        var host = new Option<string?>("--host") { Description = "The address other workers and trainers reach this worker at (default: KOHONEN_WORKER_HOST, else this machine's address)." };
        var port = new Option<int?>("--port") { Description = "The port workers talk to each other on (default: a free port)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "The port trainers connect to (default: a free port)." };
        var command = new Command("worker", "Serve as a worker of a training cluster (an Orleans silo) until stopped; Ctrl+C or SIGTERM leaves the cluster cleanly.")
        {
            cluster, dataRoot, threads, host, port, gatewayPort,
        };
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, CommonOptions.IsVerbose(r, environment), async () =>
        {
            var settings = KohonenSettings.Load(environment);
            var address = r.GetValue(cluster) ?? settings.Cluster
                ?? throw new UsageException("kohonen worker needs a cluster to join: --cluster redis://HOST:PORT (or KOHONEN_CLUSTER).");
            try
            {
                KohonenCluster.RedisEndpoint(address);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--cluster: {CommandRunner.PlainMessage(e)}");
            }

            var root = r.GetValue(dataRoot) is { } given ? Path.GetFullPath(given, environment.WorkingDirectory) : settings.WorkerDataRoot;
            if (root is not null && !Directory.Exists(root))
            {
                throw new UsageException($"--data-root: the folder '{root}' does not exist.");
            }

            var threadCount = r.GetValue(threads);
            if (threadCount is < 1 or > 1024)
            {
                throw new UsageException(Invariant($"--threads must be in 1..1024; got {threadCount}."));
            }

            foreach (var (flag, value) in new[] { ("--port", r.GetValue(port)), ("--gateway-port", r.GetValue(gatewayPort)) })
            {
                if (value is < 1 or > 65535)
                {
                    throw new UsageException(Invariant($"{flag} must be in 1..65535; got {value}."));
                }
            }

            var worker = new WorkerOptions { DataRoot = root, Threads = threadCount };
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = environment.WorkingDirectory, DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.UseOrleans(silo => KohonenCluster.ConfigureWorker(silo, address, worker, r.GetValue(port) ?? 0, r.GetValue(gatewayPort) ?? 0, r.GetValue(host) ?? settings.WorkerHost));
            using var app = builder.Build();
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new ClusterTrainingException($"Could not join the cluster at {address}: {KohonenCluster.Explain(e)} Is Redis reachable there?", e);
            }

            var silo = app.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            console.Error.WriteLine($"kohonen worker: joined {address} as {silo} (process {Environment.ProcessId}, {threadCount switch { null => "all threads", 1 => "1 thread", _ => $"{threadCount.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} threads" }}, data {root ?? "any path"}). Ctrl+C leaves.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: leave the cluster.
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            console.Error.WriteLine("kohonen worker: left the cluster.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
