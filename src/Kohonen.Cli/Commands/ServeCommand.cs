using System.CommandLine;
using Kohonen.Cli.Settings;
using Kohonen.Server;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen serve</c>: the HTTP service (Kohonen.Server) on Kestrel.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment)
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, separated by ';' (default: http://0.0.0.0:PORT, PORT from the settings, else 8000)." };
        var run = new Option<string?>("--run") { Description = "Serve this run's model: its id or a unique prefix of 6+ characters (overrides SOM_RUN_ID and SOM_RUN_ID_FILE)." };
        var forceBest = new Option<bool>("--force-best") { Description = "Serve the best run even when a run id is set (SOM_FORCE_BEST)." };
        var tracking = new TrackingOptions();
        var command = new Command("serve", "Serve predictions, pictures, runs and training over HTTP (OpenAPI at /openapi/v1.json, reference at /docs).")
        {
            urls, run, forceBest, tracking.Store, tracking.Experiment,
        };
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, CommonOptions.IsVerbose(r, environment), async () =>
        {
            var settings = KohonenSettings.Load(environment);
            var addresses = r.GetValue(urls) ?? $"http://0.0.0.0:{settings.Port}";
            ServeChecks.Check(settings, addresses, r.GetValue(urls) is null ? "PORT" : "--urls");
            ITrackingStore store;
            try
            {
                store = TrackingStores.Open(settings, r.GetValue(tracking.Store));
            }
            catch (TrackingStoreException e) when (e.StorePath.Length > 0)
            {
                // The service stays up and says why on /health (503) and in every answer that needs the store.
                console.Error.WriteLine($"warning: {e.Message}");
                store = SqliteTrackingStore.Unopened(e.StorePath);
            }

            try
            {
                var experiment = r.GetValue(tracking.Experiment) ?? settings.ExperimentName;
                var options = new KohonenServerOptions
                {
                    Store = store,
                    Selection = settings.Selection with
                    {
                        RunId = r.GetValue(run) ?? settings.Selection.RunId,
                        RunIdSource = r.GetValue(run) is not null ? "--run" : "SOM_RUN_ID",
                        ForceBest = r.GetValue(forceBest) || settings.Selection.ForceBest,
                        ExperimentName = experiment,
                    },
                    ExperimentName = experiment,
                    ApiKey = settings.ApiKey,
                    MaxRequestBodyBytes = settings.MaxBodyBytes,
                    RateLimitPerSecond = settings.RateLimit,
                    MaxConcurrentTrainings = settings.MaxTrainings,
                    TrainingDataDirectory = settings.TrainDataDirectory,
                    ClusterFit = ClusterTraining.ForService(settings),
                };
                var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = environment.WorkingDirectory });
                builder.WebHost.UseUrls(addresses.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                builder.WebHost.ConfigureKestrel(kestrel =>
                {
                    kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
                    kestrel.AddServerHeader = false;
                });
                builder.Logging.SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
                    .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None); // a failed start is reported in one line
                builder.Services.AddKohonenServer(options);
                await using var app = builder.Build();
                app.MapKohonenApi();
                await ServeChecks.StartAsync(app, addresses, cancellationToken).ConfigureAwait(false);
                console.Error.WriteLine($"kohonen serve: listening on {addresses} (store {TrackingStores.Describe(store)}, experiment '{experiment}'; API reference at /docs). Ctrl+C stops.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: a normal stop.
                }

                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                console.Error.WriteLine("kohonen serve: stopped.");
                return ExitCodes.Success;
            }
            finally
            {
                TrackingStores.Close(store);
            }
        }));
        return command;
    }
}
