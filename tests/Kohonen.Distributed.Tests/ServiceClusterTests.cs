using System.Net.Http.Json;
using System.Text.Json;
using Kohonen.Server;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kohonen.Distributed.Tests;

/// <summary>
/// The service's POST /train with a cluster configured (what KOHONEN_CLUSTER sets up): a batch
/// training on a .npy data_file fits across the silos and records the model a service without a
/// cluster records, byte for byte; a CSV data_file trains on the service's own machine.
/// </summary>
public sealed class ServiceClusterTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_npy_training_goes_to_the_cluster_and_records_the_local_bytes()
    {
        using var folder = new TempFolder();
        var data = Directory.CreateDirectory(folder.File("training")).FullName;
        const int rows = 2000, columns = 5;
        var values = NpyWriter.Skewed(rows, columns, seed: 9);
        NpyWriter.Write(Path.Combine(data, "rows.npy"), values, rows, columns);
        File.WriteAllLines(Path.Combine(data, "rows.csv"), Enumerable.Range(0, rows).Select(r =>
            string.Join(',', values.Skip(r * columns).Take(columns).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
        var clusterCalls = 0;
        async Task<SomModel> ClusterFit(SomOptions options, string path, IReadOnlyList<string> names, IProgress<TrainingProgress>? progress, CancellationToken cancel)
        {
            Interlocked.Increment(ref clusterCalls);
            var settings = new ClusterTrainingOptions { Partitions = 5, Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(200), CallTimeout = TimeSpan.FromSeconds(60), Threads = 1 };
            return (await new ClusterTrainer(fixture.Cluster.Client, settings).FitAsync(options, path, names, progress, cancel)).Model;
        }

        const string request = """{"width": 9, "height": 7, "iterations": 8, "algorithm": "batch", "scaling": "zscore", "seed": 5, "data_file": "rows.npy"}""";
        var viaCluster = await TrainAsync(folder.File("cluster-store"), data, ClusterFit, request);
        Assert.Equal(1, clusterCalls);
        var local = await TrainAsync(folder.File("local-store"), data, null, request);
        Assert.Equal(local, viaCluster);

        // A CSV file is not sent to the cluster.
        await TrainAsync(folder.File("csv-store"), data, ClusterFit, request.Replace("rows.npy", "rows.csv", StringComparison.Ordinal));
        Assert.Equal(1, clusterCalls);
    }

    /// <summary>Runs a service on a free port, posts the training, waits for its run to finish and
    /// returns the recorded model file.</summary>
    private static async Task<byte[]> TrainAsync(string storeFolder, string dataFolder,
        Func<SomOptions, string, IReadOnlyList<string>, IProgress<TrainingProgress>?, CancellationToken, Task<SomModel>>? clusterFit, string request)
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = SqliteTrackingStore.Open(storeFolder);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddKohonenServer(new KohonenServerOptions { Store = store, TrainDemoWhenEmpty = false, TrainingDataDirectory = dataFolder, ClusterFit = clusterFit });
        await using var app = builder.Build();
        app.MapKohonenApi();
        await app.StartAsync(cancel);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using var posted = await http.PostAsync("/train", new StringContent(request, System.Text.Encoding.UTF8, "application/json"), cancel);
        var accepted = await posted.Content.ReadAsStringAsync(cancel);
        Assert.True(posted.IsSuccessStatusCode, accepted);
        var runId = JsonDocument.Parse(accepted).RootElement.GetProperty("run_id").GetString()!;
        var status = "";
        var error = "";
        for (var i = 0; i < 600 && status is not ("FINISHED" or "FAILED" or "KILLED"); i++)
        {
            await Task.Delay(100, cancel);
            var run = await http.GetFromJsonAsync<JsonElement>($"/runs/{runId}", cancel);
            status = run.GetProperty("status").GetString()!;
            error = run.TryGetProperty("error", out var e) ? e.ToString() : "";
        }

        Assert.True(status == "FINISHED", $"run {runId} is {status}: {error}");
        await app.StopAsync(cancel);
        var model = Assert.Single(await store.ListArtifactsAsync(runId, cancel), a => a.EndsWith(".som", StringComparison.Ordinal));
        return await store.ReadArtifactAsync(runId, model, cancel);
    }
}
