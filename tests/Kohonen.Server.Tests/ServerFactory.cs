using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kohonen.Server.Tests;

/// <summary>The service in memory (WebApplicationFactory's test server), on a store in a temporary
/// folder, with options a test chooses.</summary>
internal sealed class ServerFactory(KohonenServerOptions options) : WebApplicationFactory<ServerFactory>
{
    public KohonenServerOptions Options { get; } = options;

    protected override IHostBuilder CreateHostBuilder() => Host.CreateDefaultBuilder()
        .ConfigureLogging(logging => logging.ClearProviders())
        .ConfigureWebHostDefaults(web => web
            .ConfigureServices(services =>
            {
                services.AddRouting();
                services.AddKohonenServer(Options);
            })
            .Configure(app =>
            {
                app.UseKohonenApi();
                app.UseRouting();
                app.UseEndpoints(endpoints => endpoints.MapKohonenApi());
            }));

    /// <summary>The content root is the test's own folder: the service reads no files from it, and the
    /// factory would otherwise point it at a folder named after this assembly beside the solution.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.UseContentRoot(AppContext.BaseDirectory);
        return base.CreateHost(builder);
    }

    /// <summary>Waits until the model loader has finished (a model or a stated problem), for up to
    /// three minutes: on an empty store the loader trains the colour demo first, which a Debug build on
    /// a busy machine may take a while to do. The client waits as long for an answer.</summary>
    public async Task<HttpClient> StartedClientAsync()
    {
        var client = CreateClient();
        client.Timeout = TimeSpan.FromMinutes(3);
        var holder = Services.GetRequiredService<ModelHolder>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3) && holder.Current is null && holder.Problem == "The model is still loading.")
        {
            await Task.Delay(50);
        }

        return client;
    }
}

/// <summary>A temporary store folder per test class instance, removed afterwards.</summary>
public abstract class StoreFolder : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory("kohonen-server-tests-").FullName;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public virtual void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
