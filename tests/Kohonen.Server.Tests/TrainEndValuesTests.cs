using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>POST /train with <c>sigma_end</c> and <c>learning_rate_end</c>, and the fields it refuses.</summary>
public sealed class TrainEndValuesTests : StoreFolder
{
    private const string Key = "end-values-key";

    private SqliteTrackingStore Store => SqliteTrackingStore.Open(Folder);

    private ServerFactory Factory() => new(new KohonenServerOptions { Store = Store, ApiKey = Key, TrainDemoWhenEmpty = false });

    private static HttpRequestMessage Train(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/train") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", Key);
        return request;
    }

    [Fact]
    public async Task TheEndValuesReachTheRunsParamsAndTheModel()
    {
        await using var factory = Factory();
        using var client = await factory.StartedClientAsync();
        var body = JsonSerializer.Serialize(new
        {
            width = 4, height = 3, iterations = 5, seed = 2, sigma = 2.0, sigma_end = 0.5, learning_rate = 0.3, learning_rate_end = 0.05,
            data = SampleData.RandomColors(12, 3).Values.ToArray().Chunk(3),
        });

        var response = await client.SendAsync(Train(body), Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("run_id").GetString()!;
        while ((await client.GetFromJsonAsync<JsonElement>($"/runs/{runId}", Token)).GetProperty("status").GetString() == "RUNNING")
        {
            await Task.Delay(20, Token);
        }

        var run = await Store.GetRunAsync(runId, Token);
        Assert.Equal((RunStatus.Finished, "0.5", "0.05"), (run.Info.Status, run.Params["sigma_end"], run.Params["learning_rate_end"]));
        var model = SomFile.FromBytes(await Store.ReadArtifactAsync(runId, "model.som", Token), "model.som");
        Assert.Equal((0.5, 0.05), (model.Options!.SigmaEnd!.Value, model.Options.LearningRateEnd!.Value));
    }

    [Fact]
    public async Task AnEndOutOfRangeIs400WithTheRule()
    {
        await using var factory = Factory();
        using var client = await factory.StartedClientAsync();

        var response = await client.SendAsync(Train("""{"sigma_end": 0, "data": [[1, 2]]}"""), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("\"sigma_end\" must be in (0, 65536]; got 0.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AMisspeltFieldIs400NamingItAndTheFields()
    {
        await using var factory = Factory();
        using var client = await factory.StartedClientAsync();

        var response = await client.SendAsync(Train("""{"data": [[1, 2], [3, 4]], "widht": 5}"""), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("detail").GetString()!;
        Assert.StartsWith("\"widht\" is not a field of a training request; the fields are: ", detail, StringComparison.Ordinal);
        var fields = detail.Split(": ", 2)[1].TrimEnd('.').Split(", ");
        Assert.Contains("width", fields);
        Assert.Contains("sigma_end", fields);
        Assert.DoesNotContain("widht", fields);
        Assert.Empty(await Store.SearchRunsAsync(new RunQuery(), Token));
    }
}
