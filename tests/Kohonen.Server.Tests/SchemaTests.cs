using System.Net;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>The OpenAPI document against the service's real answers: each documented schema has exactly
/// the properties the answers (hand-written or serialized) carry, and each route points at its own.</summary>
public sealed class SchemaTests(TrainedStore trained) : IClassFixture<TrainedStore>, IAsyncLifetime
{
    private const string Key = "schema-key";

    private ServerFactory _factory = null!;
    private HttpClient _client = null!;
    private JsonElement _document;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, ApiKey = Key, Selection = new SelectionRules { ExperimentName = "colors" } });
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

    private async Task<JsonElement> AnswerAsync(HttpMethod method, string route, string? body = null, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await SendAsync(method, route, body);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == status, $"{route}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The request with the API key, and the body (when given) as <paramref name="contentType"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, string? body = null, string? key = Key, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, route);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        return await _client.SendAsync(request, Token);
    }

    private JsonElement Operation(string method, string path) => _document.GetProperty("paths").GetProperty(path).GetProperty(method);

    /// <summary>The JSON content of an operation's answer of <paramref name="status"/>.</summary>
    private JsonElement Answer(string method, string path, string status) =>
        Operation(method, path).GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json");

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

    [Fact]
    public async Task EachTrainingAnswerHasExactlyThePropertiesItsDocumentedSchemaLists()
    {
        var body = """{"width": 4, "height": 3, "iterations": 50, "seed": 2, "data": [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0]], "feature_names": ["red", "green", "blue"]}""";

        var started = await AnswerAsync(HttpMethod.Post, "/train", body, HttpStatusCode.Accepted);
        var runId = started.GetProperty("run_id").GetString()!;
        var events = await _client.GetStringAsync($"/runs/{runId}/events", Token);
        JsonElement run;
        do
        {
            run = await AnswerAsync(HttpMethod.Get, $"/runs/{runId}");
        }
        while (run.GetProperty("status").GetString() == "RUNNING");

        Assert.Equal("TrainingStatus", SchemaName(Answer("post", "/train", "202")));
        AssertFits(started, Answer("post", "/train", "202").GetProperty("schema"), "POST /train");
        Assert.Equal("TrainingStatus", SchemaName(Answer("get", "/runs/{run_id}", "200")));
        AssertFits(run, Answer("get", "/runs/{run_id}", "200").GetProperty("schema"), "GET /runs/{run_id}");
        var stream = Operation("get", "/runs/{run_id}/events").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/event-stream");
        var eventData = Resolve(stream.GetProperty("schema")).GetProperty("properties").GetProperty("data");
        Assert.Equal("#/components/schemas/TrainingStatus", eventData.GetProperty("$ref").GetString());
        Assert.Contains("\"data:\" line", Resolve(stream.GetProperty("schema")).GetProperty("description").GetString(), StringComparison.Ordinal);
        var data = events.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement.Clone()).ToList();
        Assert.NotEmpty(data);
        Assert.All(data, d => AssertFits(d, eventData, "GET /runs/{run_id}/events"));
        // The last event's progress is not null, so its schema (TrainingProgressView) is compared too.
        Assert.Equal(JsonValueKind.Object, data[^1].GetProperty("progress").ValueKind);
    }

    [Fact]
    public async Task ACancelledTrainingAnswersTheDocumentedSchema()
    {
        var body = """{"width": 60, "height": 60, "iterations": 100000, "seed": 1, "data": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}""";
        var runId = (await AnswerAsync(HttpMethod.Post, "/train", body, HttpStatusCode.Accepted)).GetProperty("run_id").GetString()!;

        var cancelled = await AnswerAsync(HttpMethod.Delete, $"/runs/{runId}", status: HttpStatusCode.Accepted);
        while ((await AnswerAsync(HttpMethod.Get, $"/runs/{runId}")).GetProperty("status").GetString() == "RUNNING")
        {
            await Task.Delay(20, Token);
        }

        Assert.Equal("TrainingStatus", SchemaName(Answer("delete", "/runs/{run_id}", "202")));
        AssertFits(cancelled, Answer("delete", "/runs/{run_id}", "202").GetProperty("schema"), "DELETE /runs/{run_id}");
    }

    [Fact]
    public void TheTrainingRequestIsDocumentedAsTheRecordTheReaderReads()
    {
        var request = Operation("post", "/train").GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        var read = Kohonen.Server.Api.ApiJsonContext.Default.TrainRequest.Properties.Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal("TrainRequest", SchemaName(request));
        Assert.Equal(read, Schemas.GetProperty("TrainRequest").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains("feature_names", read);
        var example = request.GetProperty("example");
        Assert.Subset(read.ToHashSet(), example.EnumerateObject().Select(p => p.Name).ToHashSet());
        Assert.NotNull(JsonSerializer.Deserialize(example.GetRawText(), Kohonen.Server.Api.ApiJsonContext.Default.TrainRequest));
    }

    [Theory]
    [InlineData("post", "/train", new[] { 202, 400, 401, 403, 413, 415, 429 })]
    [InlineData("get", "/runs/{run_id}", new[] { 200, 404 })]
    [InlineData("get", "/runs/{run_id}/events", new[] { 200, 404 })]
    [InlineData("delete", "/runs/{run_id}", new[] { 202, 401, 403, 404, 409 })]
    [InlineData("get", "/kohonen", new[] { 200, 400, 503 })]
    public void TheTrainingAndDemoRoutesDocumentEveryStatusTheyAnswerAndNoOther(string method, string path, int[] statuses)
    {
        var documented = Operation(method, path).GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(statuses, documented);
    }

    [Theory]
    [InlineData("POST", "/train", """{"width": 5}""", Key, "application/json", 400)]
    [InlineData("POST", "/train", """{"width": "wide"}""", Key, "application/json", 400)]
    [InlineData("POST", "/train", """{"width": 5}""", null, "application/json", 401)]
    [InlineData("POST", "/train", """{"width": 5}""", "guess", "application/json", 403)]
    [InlineData("POST", "/train", "width=5", Key, "text/plain", 415)]
    [InlineData("GET", "/runs/not-a-run", null, null, "", 404)]
    [InlineData("GET", "/runs/0123456789abcdef0123456789abcdef", null, null, "", 404)]
    [InlineData("GET", "/runs/0123456789abcdef0123456789abcdef/events", null, null, "", 404)]
    [InlineData("DELETE", "/runs/0123456789abcdef0123456789abcdef", null, Key, "", 404)]
    [InlineData("DELETE", "/runs/0123456789abcdef0123456789abcdef", null, null, "", 401)]
    [InlineData("GET", "/kohonen?width=0", null, null, "", 400)]
    public async Task EachTrainingAndDemoRefusalIsAProblemItsRouteDocuments(string method, string route, string? body, string? key, string contentType, int status)
    {
        using var response = await SendAsync(new HttpMethod(method), route, body, key, contentType.Length == 0 ? "application/json" : contentType);

        var path = route.Split('?')[0] switch
        {
            "/kohonen" => "/kohonen",
            "/train" => "/train",
            var r when r.EndsWith("/events", StringComparison.Ordinal) => "/runs/{run_id}/events",
            _ => "/runs/{run_id}",
        };
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("status").GetInt32());
        Assert.True(Operation(method.ToLowerInvariant(), path).GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out _));
    }
}
