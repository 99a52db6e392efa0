using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>The service says which run it serves and why, and takes run id prefixes.</summary>
public sealed class ServedRunTests(TrainedStore trained) : IClassFixture<TrainedStore>
{
    private const string Key = "served-run-tests-key";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Activate(string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/models/{id}/activate");
        request.Headers.Add("X-Api-Key", Key);
        return request;
    }

    [Fact]
    public async Task HealthSaysWhyTheRunIsServedAndActivationTakesAPrefix()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, ApiKey = Key, Selection = new SelectionRules { ExperimentName = "colors" } });
        using var client = await factory.StartedClientAsync();

        var health = await client.GetFromJsonAsync<JsonElement>("/health", Token);
        var activated = await client.SendAsync(Activate(trained.Small.RunId[..8]), Token);
        var after = await client.GetFromJsonAsync<JsonElement>("/health", Token);
        var unknown = await client.SendAsync(Activate("ffffff00"), Token);
        var tooShort = await client.SendAsync(Activate("abc"), Token);

        Assert.Equal(trained.Best.RunId, health.GetProperty("run_id").GetString());
        Assert.StartsWith("lowest quantization_error ", health.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("of 2 comparable runs", health.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        Assert.Equal(trained.Small.RunId, (await activated.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("run_id").GetString());
        Assert.Equal((trained.Small.RunId, "activated through POST /models/{id}/activate"), (after.GetProperty("run_id").GetString(), after.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, tooShort.StatusCode);
    }
}
