using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kohonen.Tracking.Tests.Mlflow;

/// <summary>
/// An in-process stand-in for an MLflow tracking server on a real loopback port, written from MLflow's
/// REST documentation and protos independently of the client (it reads and writes JSON nodes, not the
/// client's types). It enforces the documented rules the client relies on: params cannot change,
/// log-batch limits (1,000 metrics, 100 params, 100 tags, 1,000 items), unique experiment names, unknown
/// runs are RESOURCE_DOES_NOT_EXIST, search ordering with runs lacking the metric last and paging
/// through next_page_token, and the artifact proxy. <see cref="FailNext"/> makes the next requests
/// fail, to test retries.
/// </summary>
internal sealed class FakeMlflowServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Name, long Created)> _experiments = new(StringComparer.Ordinal) { ["0"] = ("Default", 0) };
    private readonly Dictionary<string, FakeRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _artifacts = new(StringComparer.Ordinal);
    private readonly Queue<(int Status, string? RetryAfter)> _failures = new();
    private int _nextExperiment = 1;

    private FakeMlflowServer(WebApplication app) => _app = app;

    /// <summary>The most runs or experiments one search page returns (small, so paging is exercised).</summary>
    public int PageSize { get; set; } = 3;

    /// <summary>How many artifact files the server holds.</summary>
    public int ArtifactCount
    {
        get
        {
            lock (_gate)
            {
                return _artifacts.Count;
            }
        }
    }

    /// <summary>Every request, as "METHOD /path".</summary>
    public List<string> Requests { get; } = [];

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<FakeMlflowServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeMlflowServer(app);
        server.Map(app);
        await app.StartAsync();
        return server;
    }

    /// <summary>The next <paramref name="count"/> requests are answered with <paramref name="status"/>.</summary>
    public void FailNext(int count, int status, string? retryAfter = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue((status, retryAfter));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            (int Status, string? RetryAfter) failure = default;
            lock (_gate)
            {
                Requests.Add($"{context.Request.Method} {context.Request.Path}");
                _failures.TryDequeue(out failure);
            }

            if (failure.Status != 0)
            {
                if (failure.RetryAfter is { } after)
                {
                    context.Response.Headers.RetryAfter = after;
                }

                await Error(context, failure.Status, "TEMPORARILY_UNAVAILABLE", "injected failure");
                return;
            }

            await next(context);
        });

        const string Api = "/api/2.0/mlflow";
        app.MapGet($"{Api}/experiments/get-by-name", (HttpRequest c) => Locked(() =>
        {
            var name = c.Query["experiment_name"].ToString();
            var found = _experiments.FirstOrDefault(e => e.Value.Name == name);
            return found.Key is null
                ? Fail(404, "RESOURCE_DOES_NOT_EXIST", $"Could not find experiment with name '{name}'")
                : Ok(new JsonObject { ["experiment"] = ExperimentJson(found.Key) });
        }));
        app.MapGet($"{Api}/experiments/get", (HttpRequest c) => Locked(() =>
            _experiments.ContainsKey(c.Query["experiment_id"].ToString())
                ? Ok(new JsonObject { ["experiment"] = ExperimentJson(c.Query["experiment_id"].ToString()) })
                : Fail(404, "RESOURCE_DOES_NOT_EXIST", $"No Experiment with id={c.Query["experiment_id"]} exists")));
        app.MapPost($"{Api}/experiments/create", (HttpRequest c) => Body(c, body =>
        {
            var name = (string?)body["name"];
            if (string.IsNullOrEmpty(name))
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'.");
            }

            if (_experiments.Values.Any(e => e.Name == name))
            {
                return Fail(400, "RESOURCE_ALREADY_EXISTS", $"Experiment '{name}' already exists.");
            }

            var id = (_nextExperiment++).ToString(CultureInfo.InvariantCulture);
            _experiments[id] = (name, Now());
            return Ok(new JsonObject { ["experiment_id"] = id });
        }));
        app.MapPost($"{Api}/experiments/search", (HttpRequest c) => Body(c, body =>
        {
            var (page, next) = Page(_experiments.Keys.Order(StringComparer.Ordinal).ToList(), body);
            var answer = new JsonObject { ["experiments"] = new JsonArray([.. page.Select(id => (JsonNode)ExperimentJson(id))]) };
            if (next is not null)
            {
                answer["next_page_token"] = next;
            }

            return Ok(answer);
        }));
        app.MapPost($"{Api}/runs/create", (HttpRequest c) => Body(c, body =>
        {
            var experiment = (string?)body["experiment_id"] ?? "0";
            if (!_experiments.ContainsKey(experiment))
            {
                return Fail(404, "RESOURCE_DOES_NOT_EXIST", $"No Experiment with id={experiment} exists");
            }

            var id = Guid.NewGuid().ToString("N");
            var run = new FakeRun(id, experiment, (string?)body["run_name"] ?? "run", (long?)body["start_time"] ?? Now());
            _runs[id] = run;
            return Ok(new JsonObject { ["run"] = run.ToJson() });
        }));
        app.MapGet($"{Api}/runs/get", (HttpRequest c) => Locked(() =>
            _runs.TryGetValue(c.Query["run_id"].ToString(), out var run)
                ? Ok(new JsonObject { ["run"] = run.ToJson() })
                : NoRun(c.Query["run_id"].ToString())));
        app.MapPost($"{Api}/runs/update", (HttpRequest c) => Body(c, body =>
        {
            if (!_runs.TryGetValue((string?)body["run_id"] ?? "", out var run))
            {
                return NoRun((string?)body["run_id"]);
            }

            run.Status = (string?)body["status"] ?? run.Status;
            run.EndTime = (long?)body["end_time"] ?? run.EndTime;
            if ((string?)body["run_name"] is { } newName)
            {
                // MLflow keeps the name in the mlflow.runName tag as well.
                run.Tags["mlflow.runName"] = newName;
            }

            return Ok(new JsonObject { ["run_info"] = run.InfoJson() });
        }));
        app.MapPost($"{Api}/runs/delete", (HttpRequest c) => Body(c, body =>
        {
            if (!_runs.TryGetValue((string?)body["run_id"] ?? "", out var run))
            {
                return NoRun((string?)body["run_id"]);
            }

            // A soft delete: the run stays readable by id, marked deleted, and searches skip it.
            run.Deleted = true;
            return Ok([]);
        }));
        app.MapPost($"{Api}/experiments/update", (HttpRequest c) => Body(c, body =>
        {
            var id = (string?)body["experiment_id"] ?? "";
            var name = (string?)body["new_name"];
            if (!_experiments.TryGetValue(id, out var experiment))
            {
                return Fail(404, "RESOURCE_DOES_NOT_EXIST", $"No Experiment with id={id} exists");
            }

            if (string.IsNullOrEmpty(name))
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'new_name'.");
            }

            if (_experiments.Any(e => e.Key != id && e.Value.Name == name))
            {
                return Fail(400, "RESOURCE_ALREADY_EXISTS", $"Experiment '{name}' already exists.");
            }

            _experiments[id] = (name, experiment.Created);
            return Ok([]);
        }));
        app.MapPost($"{Api}/runs/log-batch", (HttpRequest c) => Body(c, body =>
        {
            if (!_runs.TryGetValue((string?)body["run_id"] ?? "", out var run))
            {
                return NoRun((string?)body["run_id"]);
            }

            var metrics = body["metrics"]?.AsArray() ?? [];
            var parameters = body["params"]?.AsArray() ?? [];
            var tags = body["tags"]?.AsArray() ?? [];
            if (metrics.Count > 1000)
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", $"A batch logging request can contain at most 1000 metrics. Got {metrics.Count} metrics.");
            }

            if (parameters.Count > 100)
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", $"A batch logging request can contain at most 100 params. Got {parameters.Count} params.");
            }

            if (tags.Count > 100)
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", $"A batch logging request can contain at most 100 tags. Got {tags.Count} tags.");
            }

            if (metrics.Count + parameters.Count + tags.Count > 1000)
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", "A batch logging request can contain at most 1000 metrics, params, and tags in total.");
            }

            foreach (var p in parameters)
            {
                var key = (string)p!["key"]!;
                var value = (string)p["value"]!;
                if (run.Params.TryGetValue(key, out var old) && old != value)
                {
                    return Fail(400, "INVALID_PARAMETER_VALUE",
                        $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{old}' for run ID='{run.Id}'. Attempted logging new value '{value}'.");
                }
            }

            foreach (var p in parameters)
            {
                run.Params[(string)p!["key"]!] = (string)p["value"]!;
            }

            foreach (var t in tags)
            {
                run.Tags[(string)t!["key"]!] = (string)t["value"]!;
            }

            foreach (var m in metrics)
            {
                run.Metrics.Add(((string)m!["key"]!, ReadDouble(m["value"]!), (long?)m["step"] ?? 0, (long)m["timestamp"]!));
            }

            return Ok([]);
        }));
        app.MapGet($"{Api}/metrics/get-history", (HttpRequest c) => Locked(() =>
        {
            if (!_runs.TryGetValue(c.Query["run_id"].ToString(), out var run))
            {
                return NoRun(c.Query["run_id"].ToString());
            }

            var key = c.Query["metric_key"].ToString();
            return Ok(new JsonObject { ["metrics"] = new JsonArray([.. run.Metrics.Where(m => m.Key == key).Select(m => (JsonNode)MetricJson(m))]) });
        }));
        app.MapPost($"{Api}/runs/search", (HttpRequest c) => Body(c, body =>
        {
            var experiments = body["experiment_ids"]?.AsArray().Select(e => (string)e!).ToHashSet() ?? [];
            if (experiments.Count == 0)
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", "experiment_ids must be non-empty");
            }

            var max = (int?)body["max_results"] ?? 1000;
            if (max is < 1 or > 50000)
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", $"Invalid value {max} for parameter 'max_results' supplied.");
            }

            if ((string?)body["run_view_type"] is { } view && view != "ACTIVE_ONLY")
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", $"This stand-in answers ACTIVE_ONLY searches; got {view}.");
            }

            IEnumerable<FakeRun> runs = _runs.Values.Where(r => experiments.Contains(r.ExperimentId) && !r.Deleted);
            if ((string?)body["filter"] is { Length: > 0 } filter)
            {
                // The one filter form the client sends: attributes.status = 'X'.
                var match = System.Text.RegularExpressions.Regex.Match(filter, @"^attributes\.status = '([A-Z]+)'$");
                if (!match.Success)
                {
                    return Fail(400, "INVALID_PARAMETER_VALUE", $"This stand-in does not parse the filter '{filter}'.");
                }

                runs = runs.Where(r => r.Status == match.Groups[1].Value);
            }

            var ordered = Order(runs, body["order_by"]?.AsArray().Select(o => (string)o!).ToList() ?? []);
            if (ordered is null)
            {
                return Fail(400, "INVALID_PARAMETER_VALUE", "Invalid order_by clause.");
            }

            var (page, next) = Page(ordered, body, Math.Min(max, PageSize));
            var answer = new JsonObject { ["runs"] = new JsonArray([.. page.Select(r => (JsonNode)r.ToJson())]) };
            if (next is not null)
            {
                answer["next_page_token"] = next;
            }

            return Ok(answer);
        }));

        const string Artifacts = "/api/2.0/mlflow-artifacts/artifacts";
        app.MapPut(Artifacts + "/{**path}", async (HttpRequest c, string path) =>
        {
            using var buffer = new MemoryStream();
            await c.Body.CopyToAsync(buffer);
            lock (_gate)
            {
                _artifacts[path] = buffer.ToArray();
            }

            return Ok([]);
        });
        app.MapDelete(Artifacts + "/{**path}", (HttpRequest c, string path) => Locked(() =>
        {
            // A file, or a folder with everything under it.
            var doomed = _artifacts.Keys.Where(k => k == path || k.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal)).ToList();
            if (doomed.Count == 0)
            {
                return Fail(404, "RESOURCE_DOES_NOT_EXIST", $"File {path} does not exist");
            }

            doomed.ForEach(k => _artifacts.Remove(k));
            return Ok([]);
        }));
        app.MapGet(Artifacts + "/{**path}", (HttpRequest c, string path) => Locked(() =>
            _artifacts.TryGetValue(path, out var bytes)
                ? Results.Bytes(bytes, "application/octet-stream")
                : Fail(404, "RESOURCE_DOES_NOT_EXIST", $"File {path} does not exist")));
        app.MapGet(Artifacts, (HttpRequest c) => Locked(() =>
        {
            var folder = c.Query["path"].ToString().Trim('/');
            var prefix = folder.Length == 0 ? "" : folder + "/";
            var children = _artifacts.Where(a => a.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(a => (Tail: a.Key[prefix.Length..], Size: a.Value.Length))
                .GroupBy(a => a.Tail.Split('/')[0])
                .Select(g => (JsonNode)new JsonObject
                {
                    ["path"] = g.Key,
                    ["is_dir"] = g.Any(a => a.Tail.Contains('/', StringComparison.Ordinal)),
                    ["file_size"] = g.Any(a => a.Tail.Contains('/', StringComparison.Ordinal)) ? null : g.First().Size,
                });
            return Ok(new JsonObject { ["files"] = new JsonArray([.. children]) });
        }));
    }

    private static List<FakeRun>? Order(IEnumerable<FakeRun> runs, List<string> orderBy)
    {
        IOrderedEnumerable<FakeRun>? ordered = null;
        foreach (var clause in orderBy.Append("attributes.start_time DESC"))
        {
            var match = System.Text.RegularExpressions.Regex.Match(clause, @"^(metrics\.`([^`]+)`|attributes\.start_time)( ASC| DESC)?$");
            if (!match.Success)
            {
                return null;
            }

            var descending = match.Groups[3].Value == " DESC";
            if (match.Groups[2].Success)
            {
                var key = match.Groups[2].Value;
                // MLflow sorts runs without the metric last, whichever the direction.
                ordered = ordered is null
                    ? runs.OrderBy(r => r.Latest(key) is null ? 1 : 0)
                    : ordered.ThenBy(r => r.Latest(key) is null ? 1 : 0);
                ordered = descending
                    ? ordered.ThenByDescending(r => r.Latest(key) ?? 0)
                    : ordered.ThenBy(r => r.Latest(key) ?? 0);
            }
            else
            {
                ordered = ordered is null
                    ? (descending ? runs.OrderByDescending(r => r.StartTime) : runs.OrderBy(r => r.StartTime))
                    : (descending ? ordered.ThenByDescending(r => r.StartTime) : ordered.ThenBy(r => r.StartTime));
            }
        }

        return [.. ordered!.ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    private static (List<T> Page, string? Next) Page<T>(List<T> all, JsonNode body, int? size = null)
    {
        var take = size ?? Math.Min((int?)body["max_results"] ?? 1000, 3);
        var start = (string?)body["page_token"] is { } token ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var page = all.Skip(start).Take(take).ToList();
        return (page, start + take < all.Count ? (start + take).ToString(CultureInfo.InvariantCulture) : null);
    }

    private JsonObject ExperimentJson(string id) => new()
    {
        ["experiment_id"] = id,
        ["name"] = _experiments[id].Name,
        ["artifact_location"] = $"mlflow-artifacts:/{id}",
        ["lifecycle_stage"] = "active",
        ["creation_time"] = _experiments[id].Created,
    };

    private static JsonObject MetricJson((string Key, double Value, long Step, long Timestamp) m) => new()
    {
        ["key"] = m.Key,
        ["value"] = double.IsFinite(m.Value) ? m.Value : m.Value is double.NaN ? "NaN" : m.Value > 0 ? "Infinity" : "-Infinity",
        ["timestamp"] = m.Timestamp,
        ["step"] = m.Step,
    };

    private static double ReadDouble(JsonNode node) => node.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? (string)node! switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => double.Parse(other, CultureInfo.InvariantCulture),
        }
        : (double)node;

    private IResult Locked(Func<IResult> handle)
    {
        lock (_gate)
        {
            return handle();
        }
    }

    private async Task<IResult> Body(HttpRequest request, Func<JsonNode, IResult> handle)
    {
        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return Fail(400, "BAD_REQUEST", $"Content-Type must be application/json, got '{request.ContentType}'.");
        }

        var body = await JsonNode.ParseAsync(request.Body);
        lock (_gate)
        {
            return handle(body ?? new JsonObject());
        }
    }

    private static IResult Ok(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");

    private static IResult Fail(int status, string code, string message) =>
        Results.Text(new JsonObject { ["error_code"] = code, ["message"] = message }.ToJsonString(), "application/json", statusCode: status);

    private static IResult NoRun(string? id) => Fail(404, "RESOURCE_DOES_NOT_EXIST", $"Run '{id}' not found");

    private static Task Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["error_code"] = code, ["message"] = message }.ToJsonString());
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed class FakeRun(string id, string experimentId, string name, long startTime)
    {
        public string Id { get; } = id;

        public string ExperimentId { get; } = experimentId;

        public long StartTime { get; } = startTime;

        public string Status { get; set; } = "RUNNING";

        public long? EndTime { get; set; }

        public bool Deleted { get; set; }

        public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal) { ["mlflow.runName"] = name };

        public List<(string Key, double Value, long Step, long Timestamp)> Metrics { get; } = [];

        /// <summary>MLflow's latest value: the highest step, then the latest timestamp.</summary>
        public double? Latest(string key) => Metrics.Where(m => m.Key == key).OrderBy(m => m.Step).ThenBy(m => m.Timestamp)
            .Select(m => (double?)m.Value).LastOrDefault();

        public JsonObject InfoJson() => new()
        {
            ["run_id"] = Id,
            ["run_uuid"] = Id,
            ["run_name"] = Tags["mlflow.runName"],
            ["experiment_id"] = ExperimentId,
            ["user_id"] = "tester",
            ["status"] = Status,
            ["start_time"] = StartTime,
            ["end_time"] = EndTime,
            ["artifact_uri"] = $"mlflow-artifacts:/{ExperimentId}/{Id}/artifacts",
            ["lifecycle_stage"] = Deleted ? "deleted" : "active",
        };

        public JsonObject ToJson() => new()
        {
            ["info"] = InfoJson(),
            ["data"] = new JsonObject
            {
                ["metrics"] = new JsonArray([.. Metrics.GroupBy(m => m.Key).Select(g => (JsonNode)MetricJson(g.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Last()))]),
                ["params"] = new JsonArray([.. Params.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value })]),
                ["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]),
            },
        };
    }
}
