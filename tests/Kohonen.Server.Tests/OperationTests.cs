using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>Routes that change things (training, activation, cancellation), the API key, the rate limit,
/// a service without a model, and the first start on an empty store; each test with its own store.</summary>
public sealed class OperationTests : StoreFolder
{
    private const string Key = "s3cret-key";

    private SqliteTrackingStore Store => SqliteTrackingStore.Open(Folder);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<RecordedTraining> TrainAsync(int width, int seed)
    {
        var data = SampleData.RandomColors(30, seed);
        return await TrainingRecorder.TrainAsync(Store, "colors", $"w{width}", new SomTrainer(new SomOptions { Width = width, Height = width, Iterations = 30, Seed = seed, Sigma = Math.Max(1.5, width / 2.0) }), data, cancellationToken: Token);
    }

    private ServerFactory Factory(Func<KohonenServerOptions, KohonenServerOptions>? change = null) =>
        new((change ?? (o => o))(new KohonenServerOptions { Store = Store, ApiKey = Key, TrainDemoWhenEmpty = false }));

    private static HttpRequestMessage WithKey(HttpMethod method, string uri, string? key = Key, string? body = null)
    {
        var request = new HttpRequestMessage(method, uri);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (body is not null)
        {
            request.Content = Json(body);
        }

        return request;
    }

    [Fact]
    public async Task ActivationSwitchesTheServedModelAndNeedsTheKey()
    {
        var small = await TrainAsync(3, 1);
        var large = await TrainAsync(10, 1);
        await using var factory = Factory(o => o with { Selection = new SelectionRules { RunId = small.RunId } });
        using var client = await factory.StartedClientAsync();
        Assert.Equal(small.RunId, (await client.GetFromJsonAsync<JsonElement>("/model-info", Token)).GetProperty("run_id").GetString());

        var noKey = await client.SendAsync(WithKey(HttpMethod.Post, $"/models/{large.RunId}/activate", key: null), Token);
        var wrongKey = await client.SendAsync(WithKey(HttpMethod.Post, $"/models/{large.RunId}/activate", key: "guess"), Token);
        var unknown = await client.SendAsync(WithKey(HttpMethod.Post, "/models/0123456789abcdef0123456789abcdef/activate"), Token);
        var activated = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, $"/models/{large.RunId}/activate"), Token), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((large.RunId, 10, 10), (activated.GetProperty("run_id").GetString(), activated.GetProperty("width").GetInt32(), activated.GetProperty("height").GetInt32()));
        Assert.Equal(large.RunId, (await client.GetFromJsonAsync<JsonElement>("/model-info", Token)).GetProperty("run_id").GetString());
    }

    [Fact]
    public async Task PredictionsDuringModelSwitchesAlwaysComeWholeFromOneModel()
    {
        var a = await TrainAsync(4, 2);
        var b = await TrainAsync(9, 3);
        await using var factory = Factory(o => o with { Selection = new SelectionRules { RunId = a.RunId } });
        using var client = await factory.StartedClientAsync();
        float[] input = [0.3f, 0.6f, 0.2f];
        var answers = new[] { TrainedStore.Nearest(a.Model, input), TrainedStore.Nearest(b.Model, input) }
            .Select(n => (n.X, n.Y, MathF.Round(n.Distance, 4))).ToHashSet();
        Assert.Equal(2, answers.Count);

        using var stop = new CancellationTokenSource();
        var switcher = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                var target = i % 2 == 0 ? b.RunId : a.RunId;
                (await client.SendAsync(WithKey(HttpMethod.Post, $"/models/{target}/activate"), Token)).EnsureSuccessStatusCode();
            }
        }, Token);
        var seen = new HashSet<(int, int, float)>();
        while (!switcher.IsCompleted)
        {
            var bmu = await BodyAsync(await client.PostAsync("/predict-bmu", Json("""{"data": [0.3, 0.6, 0.2]}"""), Token), HttpStatusCode.OK);
            var answer = (bmu.GetProperty("bmu_x").GetInt32(), bmu.GetProperty("bmu_y").GetInt32(), MathF.Round(bmu.GetProperty("distance").GetSingle(), 4));
            Assert.Contains(answer, answers);
            seen.Add(answer);
        }

        await switcher;
        Assert.NotEmpty(seen);
    }

    [Fact]
    public async Task WithoutAKeyOperatorRoutesAnswerOnlyThisMachine()
    {
        var run = await TrainAsync(3, 1);
        await using var factory = Factory(o => o with { ApiKey = null });
        using var client = await factory.StartedClientAsync();

        // The in-memory test server has no client address: not loopback, so refused.
        var response = await client.PostAsync($"/models/{run.RunId}/activate", null, Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("answers only clients on the server's own machine", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATrainingRunsInTheBackgroundReportsProgressAndIsRecorded()
    {
        await TrainAsync(3, 1);
        await using var factory = Factory();
        using var client = await factory.StartedClientAsync();
        var body = JsonSerializer.Serialize(new
        {
            width = 8, height = 6, iterations = 300, seed = 4, run_name = "from the api", activate = true,
            data = SampleData.RandomColors(25, 9).Values.ToArray().Chunk(3), feature_names = new[] { "red", "green", "blue" },
        });

        var response = await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: body), Token);
        var accepted = await BodyAsync(response, HttpStatusCode.Accepted);
        var runId = accepted.GetProperty("run_id").GetString()!;
        Assert.Equal($"/runs/{runId}", response.Headers.Location?.OriginalString);

        var events = await client.GetStringAsync($"/runs/{runId}/events", Token);
        Assert.Contains("event: end", events, StringComparison.Ordinal);
        JsonElement status;
        do
        {
            status = await client.GetFromJsonAsync<JsonElement>($"/runs/{runId}", Token);
        }
        while (status.GetProperty("status").GetString() == "RUNNING");

        Assert.Equal("FINISHED", status.GetProperty("status").GetString());
        Assert.Equal("8", status.GetProperty("params").GetProperty("width").GetString());
        Assert.True(status.GetProperty("metrics").GetProperty("quantization_error").GetDouble() > 0);
        var recorded = await Store.GetRunAsync(runId, Token);
        Assert.Equal(("from the api", RunStatus.Finished), (recorded.Info.RunName, recorded.Info.Status));
        Assert.True((await Store.GetMetricHistoryAsync(runId, "quantization_error", Token)).Count >= 10);
        Assert.Contains("pictures/hits.png", await Store.ListArtifactsAsync(runId, Token));
        for (var i = 0; i < 100 && (await client.GetFromJsonAsync<JsonElement>("/model-info", Token)).GetProperty("run_id").GetString() != runId; i++)
        {
            await Task.Delay(50, Token);
        }

        Assert.Equal(runId, (await client.GetFromJsonAsync<JsonElement>("/model-info", Token)).GetProperty("run_id").GetString());
    }

    [Fact]
    public async Task ATrainingCanBeCancelledAndASecondIsRefusedWhileOneRuns()
    {
        await TrainAsync(3, 1);
        await using var factory = Factory();
        using var client = await factory.StartedClientAsync();
        var body = JsonSerializer.Serialize(new { width = 60, height = 60, iterations = 100000, seed = 1, data = SampleData.RandomColors(200, 9).Values.ToArray().Chunk(3) });

        var first = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: body), Token), HttpStatusCode.Accepted);
        var runId = first.GetProperty("run_id").GetString()!;
        var second = await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: body), Token);
        var withoutKey = await client.DeleteAsync($"/runs/{runId}", Token);
        var cancelled = await client.SendAsync(WithKey(HttpMethod.Delete, $"/runs/{runId}"), Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        JsonElement status;
        do
        {
            status = await client.GetFromJsonAsync<JsonElement>($"/runs/{runId}", Token);
        }
        while (status.GetProperty("status").GetString() == "RUNNING");

        Assert.Equal("KILLED", status.GetProperty("status").GetString());
        for (var i = 0; i < 100 && (await Store.GetRunAsync(runId, Token)).Info.Status == RunStatus.Running; i++)
        {
            await Task.Delay(50, Token);
        }

        Assert.Equal(RunStatus.Killed, (await Store.GetRunAsync(runId, Token)).Info.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await client.SendAsync(WithKey(HttpMethod.Delete, $"/runs/{runId}"), Token)).StatusCode);
    }

    [Theory]
    [InlineData("""{"width": 1000, "height": 1000, "data": [[1, 2]]}""", "width × height is 1000000; at most 250000 nodes are allowed.")]
    [InlineData("""{"iterations": 1000000, "data": [[1, 2]]}""", "iterations is 1000000; at most 100000 are allowed.")]
    [InlineData("""{"width": 5}""", "Give the training data as \"data\" (rows of numbers) or as \"data_file\" (a file in the server's training-data folder), not both or neither.")]
    [InlineData("""{"data": [[1, 2], [3]]}""", "data[1] has 1 values; data[0] has 2. Every row needs the same number.")]
    [InlineData("""{"data_file": "../../etc/passwd"}""", "This server reads no data files (no training-data folder is configured: KOHONEN_TRAIN_DATA_DIR); send the rows as \"data\".")]
    [InlineData("""{"neighborhood": "gauss", "data": [[1, 2]]}""", "Unknown neighborhood 'gauss'; allowed: gaussian, bubble, mexican-hat, triangle.")]
    [InlineData("""{"data": [[1, 2]], "feature_names": ["a"]}""", "\"feature_names\" has 1 names; the rows have 2 values.")]
    [InlineData("""{"distance": "chebyshev", "data": [[1, 2]]}""", "Unknown distance 'chebyshev'; allowed: euclidean, manhattan, cosine.")]
    [InlineData("""{"width": "wide"}""", "\"width\" does not hold the type a training request takes there (a number, text, true or false, or a list of rows); the schema is at /openapi/v1.json.")]
    [InlineData("""{"data": [[1, "x"]]}""", "\"data[0][1]\" does not hold the type a training request takes there (a number, text, true or false, or a list of rows); the schema is at /openapi/v1.json.")]
    [InlineData("""{"width": 5,""", null)]
    public async Task BadTrainingRequestsAre400(string body, string? detail)
    {
        await TrainAsync(3, 1);
        await using var factory = Factory();
        using var client = await factory.StartedClientAsync();

        var problem = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: body), Token), HttpStatusCode.BadRequest);

        if (detail is null)
        {
            Assert.StartsWith("The body is not a valid training request: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(detail, problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task ALinkInTheTrainingFolderCannotReachAFileOutsideIt()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Folder, "linked-data")).FullName;
        var secret = Directory.CreateDirectory(Path.Combine(Folder, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "passwd.csv"), "root:x:0:0:root:/root:/bin/bash\n1,2,3\n");
        Directory.CreateSymbolicLink(Path.Combine(folder, "etcdir"), secret);
        File.CreateSymbolicLink(Path.Combine(folder, "passwd.csv"), Path.Combine(secret, "passwd.csv"));
        await using var factory = Factory(o => o with { TrainingDataDirectory = folder });
        using var client = await factory.StartedClientAsync();

        foreach (var name in new[] { "etcdir/passwd.csv", "passwd.csv" })
        {
            var body = JsonSerializer.Serialize(new { data_file = name });
            var refused = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: body), Token), HttpStatusCode.BadRequest);
            var detail = refused.GetProperty("detail").GetString()!;
            Assert.Contains("must name a file inside the server's training-data folder", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("root:x", detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DataFilesAreReadOnlyFromTheTrainingFolder()
    {
        await TrainAsync(3, 1);
        var folder = Directory.CreateDirectory(Path.Combine(Folder, "train-data")).FullName;
        File.WriteAllText(Path.Combine(folder, "colors.csv"), "r,g,b\n1,0,0\n0,1,0\n0,0,1\n0.5,0.5,0.5\n");
        File.WriteAllText(Path.Combine(Folder, "outside.csv"), "r,g,b\n1,0,0\n");
        await using var factory = Factory(o => o with { TrainingDataDirectory = folder });
        using var client = await factory.StartedClientAsync();

        var outside = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: """{"data_file": "../outside.csv"}"""), Token), HttpStatusCode.BadRequest);
        var absolute = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: JsonSerializer.Serialize(new { data_file = Path.Combine(Folder, "outside.csv") })), Token), HttpStatusCode.BadRequest);
        var inside = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: """{"data_file": "colors.csv", "width": 3, "height": 3, "iterations": 20}"""), Token), HttpStatusCode.Accepted);

        Assert.Contains("must name a file inside the server's training-data folder", outside.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("must name a file inside the server's training-data folder", absolute.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var runId = inside.GetProperty("run_id").GetString()!;
        while ((await client.GetFromJsonAsync<JsonElement>($"/runs/{runId}", Token)).GetProperty("status").GetString() == "RUNNING")
        {
            await Task.Delay(20, Token);
        }

        var run = await Store.GetRunAsync(runId, Token);
        Assert.Equal((RunStatus.Finished, "colors.csv", "4"), (run.Info.Status, run.Tags["data_file"], run.Tags["data_rows"]));

        // The file's size and fingerprint, as the command line tags a run on it: runs on the same bytes
        // compare whichever way they were trained.
        var bytes = File.ReadAllBytes(Path.Combine(folder, "colors.csv"));
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Tags["data_bytes"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), run.Tags["data_sha256"]);
        Assert.False(string.IsNullOrEmpty(run.Tags["tool_version"]));
    }

    [Fact]
    public async Task AFileWithTextColumnsTrainsOnTheColumnsNamedAndOtherwiseSaysHowInTheRequestsTerms()
    {
        await TrainAsync(3, 1);
        var folder = Directory.CreateDirectory(Path.Combine(Folder, "train-data")).FullName;
        File.WriteAllText(Path.Combine(folder, "wine.csv"), "id,alcohol,ash,cultivar\nw000,14.2,2.4,barolo\nw001,13.2,2.1,barolo\nw002,12.4,2.6,grignolino\n");
        await using var factory = Factory(o => o with { TrainingDataDirectory = folder });
        using var client = await factory.StartedClientAsync();

        var refused = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: """{"data_file": "wine.csv"}"""), Token), HttpStatusCode.BadRequest);
        var empty = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: """{"data_file": "wine.csv", "columns": []}"""), Token), HttpStatusCode.BadRequest);
        var inline = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: """{"data": [[1, 2]], "columns": ["0"]}"""), Token), HttpStatusCode.BadRequest);
        var chosen = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: """{"data_file": "wine.csv", "columns": ["alcohol", "2"], "width": 3, "height": 3, "iterations": 5}"""), Token), HttpStatusCode.Accepted);

        var detail = refused.GetProperty("detail").GetString()!;
        Assert.Equal("wine.csv, line 2, column 1 ('id'): text where a number must be. Name the numeric feature columns with \"columns\" (header names or 0-based indices).", detail);
        Assert.DoesNotContain(folder, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("w000", detail, StringComparison.Ordinal);
        Assert.StartsWith("\"columns\" names the feature columns", empty.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("\"columns\" chooses the feature columns of a \"data_file\"", inline.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var runId = chosen.GetProperty("run_id").GetString()!;
        while ((await client.GetFromJsonAsync<JsonElement>($"/runs/{runId}", Token)).GetProperty("status").GetString() == "RUNNING")
        {
            await Task.Delay(20, Token);
        }

        var model = SomFile.FromBytes(await Store.ReadArtifactAsync(runId, "model.som", Token), "model.som");
        Assert.Equal(["alcohol", "ash"], model.FeatureNames);
    }

    [Fact]
    public async Task DataFilesAreReadByTheirExtensionAndAnUnknownOneIsRefused()
    {
        await TrainAsync(3, 1);
        var folder = Directory.CreateDirectory(Path.Combine(Folder, "train-data")).FullName;
        File.WriteAllText(Path.Combine(folder, "colors.tsv"), "r\tg\tb\n1\t0\t0\n0\t1\t0\n0\t0\t1\n");
        File.WriteAllText(Path.Combine(folder, "colors.dat"), "r,g,b\n1,0,0\n");
        await using var factory = Factory(o => o with { TrainingDataDirectory = folder });
        using var client = await factory.StartedClientAsync();

        var unknown = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: """{"data_file": "colors.dat"}"""), Token), HttpStatusCode.BadRequest);
        var tsv = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: """{"data_file": "colors.tsv", "width": 3, "height": 3, "iterations": 20}"""), Token), HttpStatusCode.Accepted);

        Assert.Equal("\"data_file\" 'colors.dat' has an unknown extension; allowed: .csv, .tsv, .txt, .npy.", unknown.GetProperty("detail").GetString());
        var runId = tsv.GetProperty("run_id").GetString()!;
        while ((await client.GetFromJsonAsync<JsonElement>($"/runs/{runId}", Token)).GetProperty("status").GetString() == "RUNNING")
        {
            await Task.Delay(20, Token);
        }

        var run = await Store.GetRunAsync(runId, Token);
        Assert.Equal((RunStatus.Finished, "3", "3"), (run.Info.Status, run.Tags["data_rows"], run.Tags["data_columns"]));
    }

    [Fact]
    public async Task ADataFileIsReadWithTheRequestsHeaderDelimiterAndMissingOptions()
    {
        await TrainAsync(3, 1);
        var folder = Directory.CreateDirectory(Path.Combine(Folder, "train-data")).FullName;
        File.WriteAllText(Path.Combine(folder, "semi.csv"), "1;0;0\n0;1;0\n0;;1\n0.5;0.5;0.5\n");
        await using var factory = Factory(o => o with { TrainingDataDirectory = folder });
        using var client = await factory.StartedClientAsync();

        async Task<string?> RefusalAsync(string options)
        {
            var body = $$"""{"data_file": "semi.csv", "width": 3, "height": 3, "iterations": 20, {{options}}}""";
            var problem = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train", body: body), Token), HttpStatusCode.BadRequest);
            return problem.GetProperty("detail").GetString();
        }

        Assert.Equal("\"header\" is 'maybe'; allowed: auto, yes, no.", await RefusalAsync("\"header\": \"maybe\""));
        Assert.Equal("\"delimiter\" is 'ab'; allowed: one character such as ',', ';' or '|' (not a letter, digit, quote, '.', '-' or '+'), or \"tab\".", await RefusalAsync("\"delimiter\": \"ab\""));
        Assert.Equal("\"missing\" is 'skip'; allowed: allow, error.", await RefusalAsync("\"missing\": \"skip\""));
        Assert.Equal("\"max_missing\" is 2; allowed: a share in [0, 1].", await RefusalAsync("\"max_missing\": 2"));
        Assert.Equal("semi.csv, line 3, column 2 (index 1): the cell is empty; missing values are refused here, every feature value must be a number.",
            Path.GetFileName(await RefusalAsync("\"missing\": \"error\"")));

        var accepted = await BodyAsync(await client.SendAsync(WithKey(HttpMethod.Post, "/train",
            body: """{"data_file": "semi.csv", "width": 3, "height": 3, "iterations": 20, "header": "no", "delimiter": ";", "max_missing": 0}"""), Token), HttpStatusCode.Accepted);
        var runId = accepted.GetProperty("run_id").GetString()!;
        while ((await client.GetFromJsonAsync<JsonElement>($"/runs/{runId}", Token)).GetProperty("status").GetString() == "RUNNING")
        {
            await Task.Delay(20, Token);
        }

        var run = await Store.GetRunAsync(runId, Token);
        Assert.Equal((RunStatus.Finished, "3", "3"), (run.Info.Status, run.Tags["data_rows"], run.Tags["data_columns"]));
    }

    [Fact]
    public async Task WithoutAModelHealthSaysWhyAndPredictionsAre503()
    {
        await using var factory = Factory(o => o with { Selection = new SelectionRules { RunId = "0123456789abcdef0123456789abcdef" } });
        using var client = await factory.StartedClientAsync();

        var health = await BodyAsync(await client.GetAsync("/health", Token), HttpStatusCode.ServiceUnavailable);
        var predict = await BodyAsync(await client.PostAsync("/predict-bmu", Json("""{"data": [1, 2, 3]}"""), Token), HttpStatusCode.ServiceUnavailable);
        var info = await client.GetAsync("/model-info", Token);

        Assert.False(health.GetProperty("model_loaded").GetBoolean());
        Assert.Equal("No model could be loaded: The run '0123456789abcdef0123456789abcdef' named by the run id setting does not exist.", health.GetProperty("problem").GetString());
        Assert.Equal(health.GetProperty("problem").GetString(), predict.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, info.StatusCode);
    }

    [Fact]
    public async Task AnEmptyStoreGetsTheColourDemoTrainedRecordedAndServed()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = Store, ExperimentName = "first" });
        using var client = await factory.StartedClientAsync();

        var health = await BodyAsync(await client.GetAsync("/health", Token), HttpStatusCode.OK);
        var info = await client.GetFromJsonAsync<JsonElement>("/model-info", Token);

        var run = await Store.GetRunAsync(health.GetProperty("run_id").GetString()!, Token);
        Assert.Equal((RunStatus.Finished, "100", "1000"), (run.Info.Status, run.Params["width"], run.Params["iterations"]));
        Assert.Equal(("first", 100, 3), (info.GetProperty("experiment_name").GetString(), info.GetProperty("width").GetInt32(), info.GetProperty("input_dim").GetInt32()));
        Assert.Contains("pictures/colors.png", await Store.ListArtifactsAsync(run.Info.RunId, Token));
    }

    [Fact]
    public async Task TheRateLimitAnswers429WithRetryAfter()
    {
        await TrainAsync(3, 1);
        await using var factory = Factory(o => o with { RateLimitPerSecond = 3 });
        using var client = await factory.StartedClientAsync();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10; i++)
        {
            var response = await client.GetAsync("/model-info", Token);
            statuses.Add(response.StatusCode);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.NotNull(limited);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
        var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(Token)).RootElement;
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem.GetProperty("type").GetString());
        Assert.Equal("Too many requests.", problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("trace_id").GetString()));
    }
}
