using System.Net;
using System.Text.Json;

namespace Kohonen.Server.Tests;

/// <summary>The OpenAPI document and the interactive reference.</summary>
public sealed class DocsTests(TrainedStore trained) : IClassFixture<TrainedStore>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheOpenApiDocumentIs31AndDescribesEveryRouteWithSchemasAndExamples()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store });
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json", Token);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Kohonen for .NET", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths");
        string[] expected = ["/health", "/model-info", "/predict-bmu", "/predict-batch", "/models", "/weights/{x}/{y}", "/kohonen",
            "/maps/{run_id}/{kind}.png", "/models/{run_id}/activate", "/train", "/runs/{run_id}", "/runs/{run_id}/events"];
        Assert.All(expected, path => Assert.True(paths.TryGetProperty(path, out _), $"{path} is documented"));
        Assert.False(paths.TryGetProperty("/", out _));

        var predict = paths.GetProperty("/predict-bmu").GetProperty("post");
        Assert.Equal("The best-matching unit of one vector.", predict.GetProperty("summary").GetString());
        var requestBody = predict.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.Equal([0.2, 0.5, 0.8], requestBody.GetProperty("example").GetProperty("data").EnumerateArray().Select(v => v.GetDouble()));
        var responses = predict.GetProperty("responses");
        Assert.All(["200", "400", "413", "415", "503"], code => Assert.True(responses.TryGetProperty(code, out _), $"response {code}"));
        Assert.Equal("application/problem+json", responses.GetProperty("400").GetProperty("content").EnumerateObject().Single().Name);

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var bmu = schemas.GetProperty("BmuResponse").GetProperty("properties");
        Assert.Equal(["bmu_x", "bmu_y", "distance", "label", "label_confidence", "target", "target_spread", "segment", "unseen_categories"], bmu.EnumerateObject().Select(p => p.Name));
        // The fields a model may lack are optional.
        Assert.Equal(["bmu_x", "bmu_y", "distance"], schemas.GetProperty("BmuResponse").GetProperty("required").EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));
        Assert.StartsWith("Column of the", bmu.GetProperty("bmu_x").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReferenceAtDocsIsAPageWithItsScriptServedHere()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store });
        using var client = factory.CreateClient();

        var page = await client.GetAsync("/docs/", Token);
        var html = await page.Content.ReadAsStringAsync(Token);
        var script = await client.GetAsync("/docs/scalar.js", Token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync(Token)).Length > 100_000, "the reference's script is served by this service, not a CDN");

        // Only this service's reference: no AI agent, MCP, telemetry, client button, developer tools or CDN fonts.
        foreach (var setting in new[] { "\"hideClientButton\":true", "\"withDefaultFonts\":false", "\"telemetry\":false", "\"showDeveloperTools\":\"never\"" })
        {
            Assert.Contains(setting, html, StringComparison.Ordinal);
        }

        Assert.Contains("\"agent\":{\"disabled\":true}", html, StringComparison.Ordinal);
        Assert.Contains("\"mcp\":{\"disabled\":true}", html, StringComparison.Ordinal);
    }
}
