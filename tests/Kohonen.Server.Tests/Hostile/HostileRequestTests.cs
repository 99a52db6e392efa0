using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Kohonen.Testing;

namespace Kohonen.Server.Tests.Hostile;

/// <summary>
/// Hostile and malformed HTTP requests: every one is answered with its documented status as
/// problem+json with a detail that names what is wrong, no stack trace, in bounded time, and the
/// service stays healthy afterwards.
/// </summary>
public sealed class HostileRequestTests(TrainedStore trained) : IClassFixture<TrainedStore>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>(method, path, JSON body or null, status, a piece of the detail).</summary>
    public static TheoryData<string, string, string?, int, string> Requests() => new()
    {
        { "GET", "/models?max_results=abc", null, 400, "'max_results' is 'abc'; it must be a whole number (its range is in /openapi/v1.json)." },
        { "GET", "/models?max_results=99999999999", null, 400, "'max_results' is '99999999999'" },
        { "GET", "/models?max_results=0", null, 400, "max_results must be in 1..1000" },
        { "GET", "/kohonen?width=abc", null, 400, "'width' is 'abc'" },
        { "GET", "/kohonen?seed=2147483648", null, 400, "'seed' is '2147483648'; it must be a whole number" },
        { "GET", "/kohonen?iterations=1e3", null, 400, "'iterations' is '1e3'" },
        { "GET", "/kohonen?input_size=1&iterations=10000&width=200&height=100", null, 400, "iterations × width × height is 200000000; at most 100000000 is allowed." },
        { "GET", "/kohonen?input_size=%00", null, 400, "'input_size' is '?'" },
        { "GET", "/weights/a/b", null, 404, "There is no route GET /weights/a/b" },
        { "GET", "/weights/99999999999/0", null, 404, "There is no route" },
        { "GET", "/no/such/route", null, 404, "There is no route GET /no/such/route" },
        { "GET", "/openapi/v2.json", null, 404, "There is no route GET /openapi/v2.json" },
        { "GET", "/train", null, 405, "GET is not allowed here; allowed: POST" },
        { "PUT", "/predict-bmu", "{}", 405, "PUT is not allowed here; allowed: POST" },
        { "DELETE", "/health", null, 405, "DELETE is not allowed here; allowed: GET" },
        { "GET", "/maps/x/rgb.PNG", null, 404, "There is no picture 'rgb.PNG'" },
        { "GET", "/maps/x/RGB.png", null, 404, "There is no picture 'RGB.png'" },
        { "POST", "/predict-bmu", "{\"data\":", 400, "" },
        { "POST", "/predict-bmu", "[1,2,3]", 400, "" },
        { "POST", "/predict-batch", "{\"data\":[[1,2]]}", 400, "" },
        { "POST", "/predict-bmu", "{\"data\":[2e19,0,0,0]}", 400, "value 0 ('a') is 2E+19" },
        { "POST", "/predict-bmu", "{\"data\":[0,-3e38,0,0]}", 400, "values must be within ±1E+13" },
        { "POST", "/predict-batch", "{\"data\":[[0,0,0,0],[0,0,1e20,0]]}", 400, "Row 1, column 2 ('c') is 1E+20" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task EveryHostileRequestIsAProblemWithADetail(string method, string path, string? body, int status, string detail)
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store });
        using var client = await factory.StartedClientAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var tally = new HostileTally("HTTP requests / written by hand");
        await tally.CheckAsync($"{method} {path}", async () =>
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.SendAsync(request, Token);
            var text = await response.Content.ReadAsStringAsync(Token);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed} for {method} {path}");
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.Equal(status, problem.GetProperty("status").GetInt32());
            var actual = problem.GetProperty("detail").GetString();
            Assert.False(string.IsNullOrWhiteSpace(actual), text);
            Assert.Contains(detail, actual, StringComparison.Ordinal);
            Assert.DoesNotContain(" at Kohonen.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Int32", text, StringComparison.Ordinal);

            using var health = await client.GetAsync("/health", Token);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        });
        tally.Done();
    }

    [Fact]
    public async Task EveryTooManyRequestsSaysWhenToComeBackAndHealthIsNeverLimited()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, RateLimitPerSecond = 2 });
        using var client = await factory.StartedClientAsync();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await client.GetAsync("/model-info", Token);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= response;
            }
        }

        var healths = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var health = await client.GetAsync("/health", Token);
            healths.Add(health.StatusCode);
        }

        Assert.NotNull(limited);
        Assert.Equal("1", limited.Headers.GetValues("Retry-After").Single());
        Assert.All(healths, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    /// <summary>A training request (with the key) and the detail its 400 must hold.</summary>
    public static TheoryData<string, string> TrainingRequests() => new()
    {
        { "{\"data\":[null]}", "data[0] is null; every row must be a list of numbers." },
        { "{\"data\":[[1,2],null]}", "data[1] is null" },
        { "{\"data\":[[1,2]],\"feature_names\":[\"a\",null]}", "feature_names[1] is null" },
        { "{\"data\":[[1,2],[1e20,3]]}", "row 1, column 0 ('x0') is 1E+20; values must be within ±1E+13" },
        { "{\"data\":[[1,2]],\"feature_names\":[\"a\",\"" + new string('n', 300) + "\"]}", "feature_names[1] has 300 characters; at most 256 are allowed." },
    };

    [Theory]
    [MemberData(nameof(TrainingRequests))]
    public async Task EveryHostileTrainingRequestIsABadRequestWithADetail(string body, string detail)
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, ApiKey = "key" });
        using var client = await factory.StartedClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/train") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", "key");
        var tally = new HostileTally("HTTP requests / training bodies");
        tally.Tried();

        using var response = await client.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);

        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            // The range rule of training data is checked when the training runs: the run ends FAILED
            // with the detail as its error.
            var location = response.Headers.Location!.ToString();
            for (var i = 0; i < 100 && !text.Contains("\"FAILED\"", StringComparison.Ordinal); i++)
            {
                await Task.Delay(50, Token);
                text = await client.GetStringAsync(location, Token);
            }

            Assert.Contains("\"FAILED\"", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Contains(detail, text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Kohonen.", text, StringComparison.Ordinal);
        tally.Done();
    }

    [Fact]
    public async Task AnOperatorRouteRefusesACallerWithoutTheKeyBeforeReadingTheBody()
    {
        // A body over the size limit: were it read first, the answer would be 413.
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, ApiKey = "key", MaxRequestBodyBytes = 1 << 10 });
        using var client = await factory.StartedClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/train") { Content = new StringContent("[" + new string(' ', 1 << 12) + "]", Encoding.UTF8, "application/json") };

        using var response = await client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("API key", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFloodOfDemoPicturesIsQueuedBoundedAndTheRestToldToComeBack()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store });
        using var client = await factory.StartedClientAsync();

        var flood = Enumerable.Range(0, 16).Select(_ => client.GetAsync("/kohonen?input_size=20&width=30&height=30&iterations=2000", Token)).ToArray();
        var answers = await Task.WhenAll(flood);
        using var prediction = await client.PostAsync("/predict-bmu", new StringContent("{\"data\":[0.1,0.2,0.3,0.4]}", Encoding.UTF8, "application/json"), Token);

        try
        {
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, a.StatusCode.ToString()));
            var busy = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
            Assert.NotEmpty(busy);
            Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.OK) >= 1);
            foreach (var answer in busy)
            {
                Assert.Equal("1", answer.Headers.GetValues("Retry-After").Single());
                Assert.Contains("requests are waiting", await answer.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
            }

            Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
            TestContext.Current.TestOutputHelper?.WriteLine($"/kohonen flood: {answers.Length} at once, {answers.Length - busy.Count} drawn, {busy.Count} told to retry (503, Retry-After)");
            var tally = new HostileTally("HTTP requests / a flood of /kohonen");
            foreach (var answer in answers)
            {
                tally.Tried();
            }

            tally.Done();
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
    }
}
