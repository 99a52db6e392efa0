using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;
using SkiaSharp;

namespace Kohonen.Server.Tests;

/// <summary>Every read-only route and its errors, through WebApplicationFactory, on a store with three runs.</summary>
public sealed class RouteTests(TrainedStore trained) : IClassFixture<TrainedStore>, IAsyncLifetime
{
    private ServerFactory _factory = null!;
    private HttpClient _client = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, Selection = new SelectionRules { ExperimentName = "colors" }, MaxRequestBodyBytes = 4096, MaxBatchVectors = 50 });
        _client = await _factory.StartedClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Fact]
    public async Task HealthSaysWhichRunIsServed()
    {
        var health = await _client.GetFromJsonAsync<JsonElement>("/health", Token);

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("model_loaded").GetBoolean());
        Assert.Equal(trained.Best.RunId, health.GetProperty("run_id").GetString());
    }

    [Fact]
    public async Task ModelInfoDescribesTheBestRunsModel()
    {
        var info = await _client.GetFromJsonAsync<JsonElement>("/model-info", Token);

        Assert.Equal((12, 10, 3), (info.GetProperty("width").GetInt32(), info.GetProperty("height").GetInt32(), info.GetProperty("input_dim").GetInt32()));
        Assert.Equal("rectangular", info.GetProperty("topology").GetString());
        Assert.Equal(["red", "green", "blue"], info.GetProperty("feature_names").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(trained.Best.RunId, info.GetProperty("run_id").GetString());
        Assert.Equal("colors", info.GetProperty("experiment_name").GetString());
        Assert.Equal(trained.Best.Model.QuantizationError(trained.Colors), info.GetProperty("metrics").GetProperty("final_quantization_error").GetDouble(), 9);
    }

    [Fact]
    public async Task PredictBmuAgreesWithAPlainNearestNodeSearch()
    {
        var random = new Random(3);
        for (var i = 0; i < 25; i++)
        {
            float[] input = [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()];
            var response = await _client.PostAsync("/predict-bmu", Json(JsonSerializer.Serialize(new { data = input })), Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var bmu = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;

            var (x, y, distance) = TrainedStore.Nearest(trained.Best.Model, input);
            Assert.Equal((x, y), (bmu.GetProperty("bmu_x").GetInt32(), bmu.GetProperty("bmu_y").GetInt32()));
            Assert.Equal(distance, bmu.GetProperty("distance").GetSingle(), 5);
        }
    }

    [Fact]
    public async Task PredictBatchAnswersEveryVectorInOrder()
    {
        var random = new Random(4);
        var inputs = Enumerable.Range(0, 40).Select(_ => new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() }).ToArray();

        var response = await _client.PostAsync("/predict-batch", Json(JsonSerializer.Serialize(new { data = inputs, ignored = "extra properties are ignored" })), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(inputs.Length, results.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            var (x, y, distance) = TrainedStore.Nearest(trained.Best.Model, inputs[i]);
            Assert.Equal((x, y), (results[i].GetProperty("bmu_x").GetInt32(), results[i].GetProperty("bmu_y").GetInt32()));
            Assert.Equal(distance, results[i].GetProperty("distance").GetSingle(), 5);
        }
    }

    [Fact]
    public async Task PredictBatchAnswersAreTheModelsOwnBatchSearchBitForBit()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 50 * 3).Select(_ => (float)random.NextDouble()).ToArray();
        var inputs = values.Chunk(3).ToArray();

        var response = await _client.PostAsync("/predict-batch", Json(JsonSerializer.Serialize(new { data = inputs })), Token);

        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("results").EnumerateArray().ToList();
        var expected = trained.Best.Model.FindBmus(new DataMatrix(values, inputs.Length, 3));
        Assert.Equal(expected.Length, results.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal((expected[i].X, expected[i].Y), (results[i].GetProperty("bmu_x").GetInt32(), results[i].GetProperty("bmu_y").GetInt32()));
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i].Distance), BitConverter.SingleToInt32Bits(results[i].GetProperty("distance").GetSingle()));
        }
    }

    [Theory]
    [InlineData("/predict-bmu", """{"data": [0.1, 0.2]}""", "\"data\" has 2 values; the model expects 3 (red, green, blue).")]
    [InlineData("/predict-bmu", """{"data": [0.1, 0.2, 0.3, 0.4]}""", "\"data\" has 4 values; the model expects 3 (red, green, blue).")]
    [InlineData("/predict-bmu", """{"data": []}""", "\"data\" is empty; the model expects 3 (red, green, blue) values.")]
    [InlineData("/predict-bmu", """{"data": [0.1, "NaN", 0.3]}""", "data[1] is NaN; every value must be a finite number.")]
    [InlineData("/predict-bmu", """{"data": [0.1, 1e999, 0.3]}""", "data[1] is out of range; every value must be a finite 32-bit float.")]
    [InlineData("/predict-bmu", """{"data": [0.1, "x", 0.3]}""", "data[1] is not a number.")]
    [InlineData("/predict-bmu", """{"vector": [0.1, 0.2, 0.3]}""", "The body has no \"data\" property.")]
    [InlineData("/predict-bmu", """[0.1, 0.2, 0.3]""", "The body must be a JSON object with a \"data\" array.")]
    [InlineData("/predict-batch", """{"data": [[0.1, 0.2, 0.3], [0.4, 0.5]]}""", "data[1] has 2 values; the model expects 3 (red, green, blue).")]
    [InlineData("/predict-batch", """{"data": []}""", "\"data\" is empty; give at least one vector.")]
    [InlineData("/predict-batch", """{"data": [[0.1, 0.2, "Infinity"]]}""", "data[0][2] is Infinity; every value must be a finite number.")]
    [InlineData("/predict-batch", """{"data": [0.1, 0.2, 0.3]}""", "data[0] is not an array of numbers.")]
    public async Task BadVectorsAre400WithWhatIsWrong(string route, string body, string detail)
    {
        var problem = await ProblemAsync(await _client.PostAsync(route, Json(body), Token), HttpStatusCode.BadRequest);

        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/predict-bmu", """{"data": [0.1, 0.2, 0.3]""")]
    [InlineData("/predict-bmu", """{"data": [0.1, 0.2, 0.3]} trailing""")]
    [InlineData("/predict-batch", """{"data": [[0.1, 0.2, 0.3]""")]
    public async Task MalformedJsonIs400(string route, string body)
    {
        var problem = await ProblemAsync(await _client.PostAsync(route, Json(body), Token), HttpStatusCode.BadRequest);

        Assert.StartsWith("The body is not valid JSON: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyVectorsIs400()
    {
        var body = JsonSerializer.Serialize(new { data = Enumerable.Range(0, 51).Select(_ => new[] { 0f, 0f, 0f }) });

        var problem = await ProblemAsync(await _client.PostAsync("/predict-batch", Json(body), Token), HttpStatusCode.BadRequest);

        Assert.Equal("\"data\" has more than 50 vectors, the most one request may hold.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        var body = "{\"data\": [" + string.Join(",", Enumerable.Repeat("0.123456789", 500)) + "]}";

        var problem = await ProblemAsync(await _client.PostAsync("/predict-bmu", Json(body), Token), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("The body is larger than the 4096 bytes this service accepts.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnotherContentTypeIs415()
    {
        var problem = await ProblemAsync(await _client.PostAsync("/predict-bmu", new StringContent("data=1,2,3", Encoding.UTF8, "text/plain"), Token), HttpStatusCode.UnsupportedMediaType);

        Assert.Equal("The body must be JSON (Content-Type: application/json); got 'text/plain; charset=utf-8'.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnknownRoutesAndNodesAre404Problems()
    {
        await ProblemAsync(await _client.GetAsync("/nothing-here", Token), HttpStatusCode.NotFound);
        var node = await ProblemAsync(await _client.GetAsync("/weights/12/0", Token), HttpStatusCode.NotFound);
        Assert.Equal("Node (12, 0) is not on the 12×10 map: x is in 0..11, y in 0..9.", node.GetProperty("detail").GetString());
        await ProblemAsync(await _client.GetAsync("/weights/-1/0", Token), HttpStatusCode.NotFound);
        var run = await ProblemAsync(await _client.GetAsync("/runs/0123456789abcdef0123456789abcdef", Token), HttpStatusCode.NotFound);
        Assert.Equal("No run has the id '0123456789abcdef0123456789abcdef'.", run.GetProperty("detail").GetString());
        await ProblemAsync(await _client.GetAsync("/runs/..%2F..%2Fetc", Token), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.GetAsync("/maps/0123456789abcdef0123456789abcdef/umatrix.png", Token), HttpStatusCode.NotFound);
        var kind = await ProblemAsync(await _client.GetAsync($"/maps/{trained.Best.RunId}/secret.png", Token), HttpStatusCode.NotFound);
        Assert.Equal("There is no picture 'secret.png'; the pictures are rgb.png, umatrix.png, planes.png, hits.png, labels.png, segments.png, curve.png.", kind.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WeightsAreANodesCodebookVector()
    {
        var weights = await _client.GetFromJsonAsync<JsonElement>("/weights/5/7", Token);

        Assert.Equal((5, 7), (weights.GetProperty("x").GetInt32(), weights.GetProperty("y").GetInt32()));
        Assert.Equal(trained.Best.Model.GetWeights(5, 7), weights.GetProperty("weights").EnumerateArray().Select(w => w.GetSingle()));
    }

    [Fact]
    public async Task AScaledModelTakesInputsAndGivesWeightsInTheFeaturesOwnUnits()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, Selection = new SelectionRules { RunId = trained.Scaled.RunId } });
        using var client = await factory.StartedClientAsync();
        var model = trained.Scaled.Model;

        var weights = await client.GetFromJsonAsync<JsonElement>("/weights/2/3", Token);
        var bmu = await client.PostAsync("/predict-bmu", Json("""{"data": [30, 12, 41, 55]}"""), Token);

        var units = new float[4];
        model.Scaler!.InverseTransform(model.GetWeights(2, 3), units);
        Assert.Equal(units, weights.GetProperty("weights").EnumerateArray().Select(w => w.GetSingle()));
        Assert.Equal(["a", "b", "c", "d"], weights.GetProperty("feature_names").EnumerateArray().Select(f => f.GetString()));
        var answer = JsonDocument.Parse(await bmu.Content.ReadAsStringAsync(Token)).RootElement;
        var (x, y, distance) = TrainedStore.Nearest(model, [30, 12, 41, 55]);
        Assert.Equal((x, y), (answer.GetProperty("bmu_x").GetInt32(), answer.GetProperty("bmu_y").GetInt32()));
        Assert.Equal(distance, answer.GetProperty("distance").GetSingle(), 4);
    }

    [Fact]
    public async Task EventsAndCancellationOfRunsThisServerIsNotTrainingAre404()
    {
        await ProblemAsync(await _client.GetAsync($"/runs/{trained.Best.RunId}/events", Token), HttpStatusCode.NotFound);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/runs/0123456789abcdef0123456789abcdef");
        // No API key configured and no client address in the test server: refused before the lookup.
        await ProblemAsync(await _client.SendAsync(request, Token), HttpStatusCode.Forbidden);
        var finished = await _client.GetFromJsonAsync<JsonElement>($"/runs/{trained.Best.RunId}", Token);
        Assert.Equal("FINISHED", finished.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, finished.GetProperty("progress").ValueKind);
    }

    [Fact]
    public async Task ModelsAreFinishedRunsBestFirst()
    {
        var models = await _client.GetFromJsonAsync<JsonElement>("/models?max_results=10", Token);
        var one = await _client.GetFromJsonAsync<JsonElement>("/models?max_results=1", Token);

        // The served experiment's runs comparable with the served one: "colors" holds two, "other" one.
        var runs = models.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal(trained.Best.RunId, models.GetProperty("served_run_id").GetString());
        Assert.StartsWith("lowest quantization_error ", models.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var qes = runs.Select(r => r.GetProperty("metrics").GetProperty("quantization_error").GetDouble()).ToList();
        Assert.Equal(qes.Order(), qes);
        Assert.Equal(trained.Best.RunId, runs.Single(r => r.GetProperty("active").GetBoolean()).GetProperty("run_id").GetString());
        Assert.Equal(1, one.GetProperty("models").GetArrayLength());
        await ProblemAsync(await _client.GetAsync("/models?max_results=0", Token), HttpStatusCode.BadRequest);
        await ProblemAsync(await _client.GetAsync("/models?max_results=lots", Token), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheColourDemoIsAPngOfTheRightSizeAndRepeatableWithASeed()
    {
        var first = await _client.GetAsync("/kohonen?input_size=10&width=20&height=15&iterations=50&seed=3", Token);
        var again = await _client.GetByteArrayAsync("/kohonen?input_size=10&width=20&height=15&iterations=50&seed=3", Token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("image/png", first.Content.Headers.ContentType?.MediaType);
        var bytes = await first.Content.ReadAsByteArrayAsync(Token);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal((400, 420), (bitmap.Width, bitmap.Height));
        Assert.Equal(bytes, again);
        var tooBig = await ProblemAsync(await _client.GetAsync("/kohonen?width=201", Token), HttpStatusCode.BadRequest);
        Assert.Equal("width must be in 1..200; got 201.", tooBig.GetProperty("detail").GetString());
        var tooMuch = await ProblemAsync(await _client.GetAsync("/kohonen?input_size=1000&iterations=10000&width=100&height=100", Token), HttpStatusCode.BadRequest);
        Assert.Contains("at most 2000000000 is allowed", tooMuch.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rgb")]
    [InlineData("umatrix")]
    [InlineData("planes")]
    [InlineData("hits")]
    public async Task EveryPictureKindOfARunIsAPng(string kind)
    {
        var response = await _client.GetAsync($"/maps/{trained.Best.RunId}/{kind}.png", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync(Token));
        Assert.True(bitmap.Width >= 100, $"{bitmap.Width} px wide");
    }

    [Fact]
    public async Task AMapWithoutAKeptHitMapSaysSo()
    {
        var problem = await ProblemAsync(await _client.GetAsync($"/maps/{trained.Small.RunId}/hits.png", Token), HttpStatusCode.NotFound);

        Assert.Contains("has no hit map", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRootIsTheDashboardWithALinkToTheDocs()
    {
        using var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("href=\"/docs\"", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }
}
