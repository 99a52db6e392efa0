using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Kohonen.Testing;

namespace Kohonen.Server.Tests.Hostile;

/// <summary>
/// Generated hostile HTTP requests (CsCheck) against one service: any method on any route, with
/// query values and JSON bodies built from hostile pieces (huge and non-finite numbers, nulls, wrong
/// types, control characters, cut-off JSON), with and without the API key. Every answer is a success
/// or a problem+json with a detail and its status, never a 500, in bounded time; the service is
/// healthy afterwards. And held server-sent-event streams: many followers of one training, some
/// dropped half-way, all ended when the training is cancelled, while predictions keep answering.
/// </summary>
public sealed class RequestCorpusTests(TrainedStore trained) : IClassFixture<TrainedStore>
{
    private const string Key = "corpus-key";
    private const int Requests = 400;
    private const int Streams = 120;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly Gen<string> Number = Gen.OneOf<string>(
        "0", "1", "-1", "0.5", "2e19", "-3e38", "1e39", "1e308", "1e-400", "NaN", "\"NaN\"", "Infinity", "null", "true", "\"1\"",
        "99999999999999999999", "2147483648", "-0", "1E+13", "[]", "{}", "\"\\u0000\"");

    private static readonly Gen<string> Row = Number.Array[0, 5].Select(n => "[" + string.Join(',', n) + "]");

    private static readonly Gen<string> Text = Gen.OneOf<string>(
        "\"a\"", "\"\"", "null", "1", "\"\\u0007\\u001b[31m\"", "\"../../etc/passwd\"", "\"/etc/passwd\"", "\"" + new string('n', 300) + "\"", "[\"a\"]");

    private static readonly Gen<string> Body = Gen.OneOf(
        Gen.OneOf<string>("", "{", "[", "null", "\"data\"", "{\"data\":", "{\"data\":[1,2,3]", "{\"data\":[1,2,3]}}", "\u0000", "{\"data\":[1,2,3],\"data\":[4]}"),
        Gen.Select(Gen.OneOf(Number.Array[0, 6].Select(n => "[" + string.Join(',', n) + "]"), Row.Array[0, 4].Select(r => "[" + string.Join(',', r) + "]"), Gen.OneOf<string>("null", "\"x\"", "{}")),
                Gen.OneOf(Gen.Const(""), Text.Select(t => ",\"feature_names\":" + t), Text.Select(t => ",\"data_file\":" + t), Number.Select(n => ",\"width\":" + n + ",\"height\":2,\"iterations\":5")))
            .Select((data, extra) => "{\"data\":" + data + extra + "}"));

    private static readonly Gen<string> QueryValue = Gen.OneOf<string>(
        "abc", "-1", "0", "1", "2", "1e3", "1.5", "2147483648", "99999999999", "%00", "%FF", "", "true", "%E2%80%AE", "NaN");

    /// <summary>Path segments (no %00: the in-memory test server refuses it before the service, where
    /// Kestrel answers 400 itself).</summary>
    private static readonly Gen<string> Segment = Gen.OneOf<string>("abc", "-1", "0", "1", "1e3", "2147483648", "99999999999", "%FF", "%E2%80%AE", "NaN", "..", "%2e%2e");

    private static readonly Gen<string> Path = Gen.OneOf(
        Gen.OneOf<string>("/predict-bmu", "/predict-batch", "/model-info", "/health", "/models", "/train", "/nope", "/openapi/v2.json", "/maps//rgb.png", "/%2e%2e/%2e%2e/etc/passwd", "/runs/"),
        Gen.Select(Segment, Segment).Select((x, y) => $"/weights/{x}/{y}"),
        Gen.Select(Gen.OneOf<string>("0123456789abcdef0123456789abcdef", "x", "..", "%FF", "zzzzzz"), Gen.OneOf<string>("rgb", "RGB", "umatrix", "planes", "hits", "..", "x")).Select((id, kind) => $"/maps/{id}/{kind}.png"),
        Gen.Select(Gen.OneOf<string>("0123456789abcdef0123456789abcdef", "x", "%FF"), Gen.OneOf<string>("", "/events", "/activate")).Select((id, tail) => $"/runs/{id}{tail}"),
        Gen.OneOf<string>("0123456789abcdef0123456789abcdef", "abc").Select(id => $"/models/{id}/activate"),
        // The demo with a tiny map first, so that a valid request costs little; the hostile values follow.
        Gen.Select(Gen.OneOf<string>("input_size", "width", "height", "iterations", "seed", "other"), QueryValue).Array[0, 3]
            .Select(pairs => "/kohonen?iterations=1&width=2&height=2&input_size=2" + string.Concat(pairs.Select(p => $"&{p.Item1}={p.Item2}"))),
        Gen.Select(Gen.OneOf<string>("max_results", "order_by", "experiment"), QueryValue).Select((name, value) => $"/models?{name}={value}"));

    /// <summary>Mostly the route's own method (so that the request reaches its handler), else any.</summary>
    private static readonly Gen<(string Method, string Path, string? Body, bool WithKey)> Request = Gen.Select(
        Gen.OneOf<string>("", "", "", "", "", "", "", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "GET", "POST"), Path, Gen.OneOf(Body.Select(b => (string?)b), Gen.Const((string?)null)), Gen.Bool)
        .Select((method, path, body, key) => (method.Length > 0 ? method : OwnMethod(path), path, body, key));

    private static string OwnMethod(string path) =>
        path.StartsWith("/predict", StringComparison.Ordinal) || path == "/train" || path.EndsWith("/activate", StringComparison.Ordinal) ? "POST" : "GET";

    [Fact]
    public async Task AnyGeneratedRequestIsASuccessOrAProblemWithADetail()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, ApiKey = Key, MaxTrainingIterations = 50 });
        using var client = await factory.StartedClientAsync();
        var tally = new HostileTally("HTTP requests / generated (CsCheck)");
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        try
        {
            await Request.SampleAsync(async request =>
            {
                tally.Tried();
                var status = await SendAndCheckAsync(client, request.Method, request.Path, request.Body, request.WithKey);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }, iter: Requests, threads: 2, print: r => $"{r.Method} {r.Path} {r.Body} key={r.WithKey}");
        }
        catch (CsCheckException e)
        {
            tally.Failed(e.Message);
        }

        using var health = await client.GetAsync("/health", Token);
        tally.Verify("healthy afterwards", () => Assert.Equal(HttpStatusCode.OK, health.StatusCode));
        TestContext.Current.TestOutputHelper?.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}")));
        tally.Done();
    }

    /// <summary>Sends one request and checks its answer; returns its status.</summary>
    private static async Task<int> SendAndCheckAsync(HttpClient client, string method, string path, string? body, bool withKey)
    {
        using var message = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null && method is not ("GET" or "HEAD"))
        {
            message.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (withKey)
        {
            message.Headers.Add("X-Api-Key", Key);
        }

        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, Token);
        var status = (int)response.StatusCode;
        if (path.Contains("/events", StringComparison.Ordinal) && status == 200)
        {
            return status; // a stream: followed in the streams test
        }

        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed} for {method} {path}");
        Assert.True(status < 500 || status == 503, $"{method} {path} {body}: {status} {text}");
        if (status >= 400 && method != "HEAD")
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.Equal(status, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), text);
        }

        Assert.DoesNotContain(" at Kohonen.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("root:x:0:0", text, StringComparison.Ordinal);
        return status;
    }

    [Fact]
    public async Task HeldEventStreamsEndWhenTheTrainingEndsAndPredictionsKeepAnswering()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, ApiKey = Key });
        using var client = await factory.StartedClientAsync();
        var tally = new HostileTally("SSE streams / held, dropped and refused");
        var clock = Stopwatch.StartNew();

        // A training long enough to be followed: cancelled at the end.
        var rows = string.Join(',', Enumerable.Range(0, 300).Select(i => $"[{i % 7 / 7.0},{i % 5 / 5.0},{i % 3 / 3.0}]"));
        using var start = new HttpRequestMessage(HttpMethod.Post, "/train") { Content = new StringContent($"{{\"data\":[{rows}],\"width\":200,\"height\":200,\"iterations\":100000}}", Encoding.UTF8, "application/json") };
        start.Headers.Add("X-Api-Key", Key);
        using var started = await client.SendAsync(start, Token);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = JsonDocument.Parse(await started.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("run_id").GetString()!;

        // Streams that must be refused: unknown and malformed run ids.
        foreach (var id in new[] { "0123456789abcdef0123456789abcdef", "x", "%FF", runId.ToUpperInvariant(), runId + "0", "..%2F" + runId })
        {
            await tally.CheckAsync($"events of '{id}'", async () =>
            {
                using var response = await client.GetAsync($"/runs/{id}/events", Token);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            });
        }

        // Held streams: every one gets its first event; a third are dropped after it.
        var held = new List<(HttpResponseMessage Response, StreamReader Reader)>();
        for (var i = 0; i < Streams; i++)
        {
            tally.Tried();
            var response = await client.GetAsync($"/runs/{runId}/events", HttpCompletionOption.ResponseHeadersRead, Token);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                tally.Failed($"stream {i}: {response.StatusCode} {response.Content.Headers.ContentType}");
                response.Dispose();
                continue;
            }

            var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Token));
            if (i % 3 == 0)
            {
                reader.Dispose();
                response.Dispose();
                continue;
            }

            held.Add((response, reader));
        }

        // Predictions answer while the streams are held.
        for (var i = 0; i < 20; i++)
        {
            var answer = Stopwatch.StartNew();
            using var prediction = await client.PostAsync("/predict-bmu", new StringContent("{\"data\":[0.1,0.2,0.3,0.4]}", Encoding.UTF8, "application/json"), Token);
            tally.Verify($"prediction {i} while {held.Count} streams are held", () =>
            {
                Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
                Assert.True(answer.Elapsed < TimeSpan.FromSeconds(5), $"{answer.Elapsed}");
            });
        }

        // Cancelled, the training ends, and every held stream ends with its "end" event.
        using (var cancel = new HttpRequestMessage(HttpMethod.Delete, $"/runs/{runId}"))
        {
            cancel.Headers.Add("X-Api-Key", Key);
            using var cancelled = await client.SendAsync(cancel, Token);
            tally.Verify("cancel", () => Assert.True(cancelled.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, cancelled.StatusCode.ToString()));
        }

        foreach (var (response, reader) in held)
        {
            using (response)
            using (reader)
            {
                string ending;
                try
                {
                    ending = await ReadUntilEndAsync(reader).WaitAsync(TimeSpan.FromSeconds(30), Token);
                }
                catch (TimeoutException)
                {
                    ending = "(the stream did not end in 30 s)";
                }

                tally.Verify("a held stream ends with an end event", () => Assert.Contains("\"status\":\"KILLED\"", ending, StringComparison.Ordinal));
            }
        }

        using var health = await client.GetAsync("/health", Token);
        tally.Verify("healthy afterwards", () => Assert.Equal(HttpStatusCode.OK, health.StatusCode));
        tally.Verify("bounded time", () => Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), clock.Elapsed.ToString()));
        tally.Done();
    }

    [Fact]
    public async Task NoDataFilePathReachesAFileOutsideTheTrainingFolder()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Symbolic links and FIFOs as a Unix user makes them.");
        var root = Directory.CreateTempSubdirectory("kohonen-data-file-corpus-").FullName;
        try
        {
            const string Secret = "CANARY-9f3a,1,2";
            var folder = Directory.CreateDirectory(System.IO.Path.Combine(root, "train")).FullName;
            var outside = Directory.CreateDirectory(System.IO.Path.Combine(root, "outside")).FullName;
            File.WriteAllText(System.IO.Path.Combine(outside, "secret.csv"), $"a,b,c\n{Secret}\n");
            File.WriteAllText(System.IO.Path.Combine(outside, ".bashrc"), $"a,b,c\n{Secret}\n");
            Directory.CreateSymbolicLink(System.IO.Path.Combine(folder, "linkdir"), outside);
            Directory.CreateSymbolicLink(System.IO.Path.Combine(folder, "rootdir"), "/");
            File.CreateSymbolicLink(System.IO.Path.Combine(folder, "secret.csv"), System.IO.Path.Combine(outside, "secret.csv"));
            File.CreateSymbolicLink(System.IO.Path.Combine(folder, "relative.csv"), "../outside/secret.csv");
            File.CreateSymbolicLink(System.IO.Path.Combine(folder, "dangling.csv"), System.IO.Path.Combine(root, "nothing.csv"));
            using (var mkfifo = Process.Start("mkfifo", System.IO.Path.Combine(folder, "pipe.csv")))
            {
                await mkfifo.WaitForExitAsync(Token);
            }

            await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, ApiKey = Key, TrainingDataDirectory = folder });
            using var client = await factory.StartedClientAsync();
            var tally = new HostileTally("HTTP requests / data_file paths");
            string[] names =
            [
                "linkdir/secret.csv", "linkdir/.bashrc", "rootdir/etc/passwd", "secret.csv", "relative.csv", "dangling.csv", "pipe.csv", "../outside/secret.csv",
                System.IO.Path.Combine(outside, "secret.csv"), "/etc/passwd", "linkdir/../../outside/secret.csv", "..%2Foutside%2Fsecret.csv", "linkdir",
                ".", "", " ", "secret.csv\u0000.txt", "nothing.csv", "train/../secret.csv", "./linkdir/secret.csv", new string('a', 5000) + ".csv",
            ];
            foreach (var name in names)
            {
                await tally.CheckAsync($"data_file '{name[..Math.Min(name.Length, 40)]}'", async () =>
                {
                    var clock = Stopwatch.StartNew();
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/train") { Content = new StringContent(JsonSerializer.Serialize(new { data_file = name }), Encoding.UTF8, "application/json") };
                    request.Headers.Add("X-Api-Key", Key);
                    using var response = await client.SendAsync(request, Token);
                    var text = await response.Content.ReadAsStringAsync(Token);

                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()), text);
                    Assert.DoesNotContain("CANARY", text, StringComparison.Ordinal);
                    Assert.DoesNotContain("root:x", text, StringComparison.Ordinal);
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{clock.Elapsed}");
                });
            }

            tally.Done();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Reads a stream's events until its "end" event; returns that event's data.</summary>
    private static async Task<string> ReadUntilEndAsync(StreamReader reader)
    {
        var isEnd = false;
        while (await reader.ReadLineAsync(Token) is { } line)
        {
            if (line == "event: end")
            {
                isEnd = true;
            }
            else if (isEnd && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line["data: ".Length..];
            }
        }

        return "";
    }
}
