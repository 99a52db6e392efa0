using System.Net;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>The OpenAPI document against the service's real answers: each documented schema has exactly
/// the properties the answers (hand-written or serialized) carry, and each route points at its own.</summary>
public sealed class SchemaTests(TrainedStore trained) : IClassFixture<TrainedStore>, IAsyncLifetime
{
    private ServerFactory _factory = null!;
    private HttpClient _client = null!;
    private JsonElement _document;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, Selection = new SelectionRules { ExperimentName = "colors" } });
        _client = await _factory.StartedClientAsync();
        _document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json", Token)).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private JsonElement Schemas => _document.GetProperty("components").GetProperty("schemas");

    private JsonElement Resolve(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) ? Schemas.GetProperty(reference.GetString()!["#/components/schemas/".Length..]) : schema;

    private static string SchemaName(JsonElement content) => content.GetProperty("schema").GetProperty("$ref").GetString()!["#/components/schemas/".Length..];

    /// <summary>The value has exactly the schema's properties, in objects at any depth (arrays' items
    /// included); maps (additionalProperties) and nulls are not compared further.</summary>
    private void AssertFits(JsonElement value, JsonElement schema, string where)
    {
        schema = Resolve(schema);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            Assert.Equal(JsonValueKind.Object, value.ValueKind);
            // Every answered property is documented; every documented one is answered, except those
            // the schema leaves out of "required" (fields that only some models have).
            var documented = properties.EnumerateObject().Select(p => p.Name).ToHashSet();
            var answered = value.EnumerateObject().Select(p => p.Name).ToHashSet();
            var required = schema.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()!).ToHashSet() : documented;
            Assert.True(
                answered.IsSubsetOf(documented) && required.IsSubsetOf(answered),
                $"{where}: documented [{string.Join(", ", documented)}], required [{string.Join(", ", required)}], answered [{string.Join(", ", answered)}]");
            foreach (var property in properties.EnumerateObject().Where(p => answered.Contains(p.Name)))
            {
                AssertFits(value.GetProperty(property.Name), property.Value, $"{where}.{property.Name}");
            }
        }
        else if (schema.TryGetProperty("items", out var items) && value.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                AssertFits(item, items, $"{where}[{i++}]");
            }
        }
    }

    private async Task<JsonElement> AnswerAsync(HttpMethod method, string route, string? body = null)
    {
        using var request = new HttpRequestMessage(method, route);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _client.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory]
    [InlineData("POST", "/predict-bmu", """{"data": [0.2, 0.5, 0.8]}""", "BmuResponse")]
    [InlineData("POST", "/predict-batch", """{"data": [[0.2, 0.5, 0.8], [0.9, 0.1, 0.1], [0, 0, 1]]}""", "BatchResponse")]
    [InlineData("GET", "/health", null, "HealthResponse")]
    [InlineData("GET", "/model-info", null, "ModelInfoResponse")]
    [InlineData("GET", "/weights/3/4", null, "WeightsResponse")]
    [InlineData("GET", "/models", null, "ModelsResponse")]
    public async Task EachAnswerHasExactlyThePropertiesItsDocumentedSchemaLists(string method, string route, string? body, string schema)
    {
        var answer = await AnswerAsync(new HttpMethod(method), route, body);

        var operation = _document.GetProperty("paths").GetProperty(route.StartsWith("/weights/", StringComparison.Ordinal) ? "/weights/{x}/{y}" : route).GetProperty(method.ToLowerInvariant());
        var ok = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json");
        Assert.Equal(schema, SchemaName(ok));
        AssertFits(answer, ok.GetProperty("schema"), route);
    }

    [Fact]
    public void ThePredictionRequestsAreDocumentedAsTheRecordsTheReaderReads()
    {
        var paths = _document.GetProperty("paths");
        var bmu = paths.GetProperty("/predict-bmu").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        var batch = paths.GetProperty("/predict-batch").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json");

        Assert.Equal("PredictBmuRequest", SchemaName(bmu));
        Assert.Equal("PredictBatchRequest", SchemaName(batch));
        var vector = Schemas.GetProperty("PredictBmuRequest").GetProperty("properties");
        Assert.Equal(["data"], vector.EnumerateObject().Select(p => p.Name));
        Assert.Equal("number", vector.GetProperty("data").GetProperty("items").GetProperty("type").GetString());
        var matrix = Schemas.GetProperty("PredictBatchRequest").GetProperty("properties");
        Assert.Equal(["data"], matrix.EnumerateObject().Select(p => p.Name));
        Assert.Equal("number", matrix.GetProperty("data").GetProperty("items").GetProperty("items").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("/predict-bmu")]
    [InlineData("/predict-batch")]
    public void ThePredictionExamplesFitTheirSchemas(string route)
    {
        var operation = _document.GetProperty("paths").GetProperty(route).GetProperty("post");
        var request = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        var ok = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json");

        AssertFits(request.GetProperty("example"), request.GetProperty("schema"), $"{route} request example");
        AssertFits(ok.GetProperty("example"), ok.GetProperty("schema"), $"{route} answer example");
    }

    [Fact]
    public void EveryProblemAnswerIsDocumentedAsProblemJson()
    {
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5' && !(path.Name == "/health" && r.Name == "503")))
                {
                    var content = response.Value.GetProperty("content").EnumerateObject().Single();
                    Assert.True(content.Name == "application/problem+json", $"{operation.Name} {path.Name} {response.Name}: {content.Name}");
                    Assert.Equal("ProblemDetails", SchemaName(content.Value));
                }
            }
        }
    }

    [Theory]
    [InlineData("/kohonen")]
    [InlineData("/maps/{run_id}/{kind}.png")]
    public void PicturesAreDocumentedAsPngs(string route)
    {
        var ok = _document.GetProperty("paths").GetProperty(route).GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");

        Assert.Equal("image/png", ok.EnumerateObject().Single().Name);
        Assert.Equal("binary", Resolve(ok.GetProperty("image/png").GetProperty("schema")).GetProperty("format").GetString());
    }
}
