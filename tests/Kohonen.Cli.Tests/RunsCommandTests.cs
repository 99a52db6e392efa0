using System.Text.Json;
using Kohonen.Cli.Settings;
using Microsoft.Data.Sqlite;

namespace Kohonen.Cli.Tests;

/// <summary><c>kohonen train</c> recording runs, and <c>kohonen runs …</c> reading them, each test with its own store.</summary>
public class RunsCommandTests : ScratchFolder
{
    private const string Colors = "r,g,b,name\n1,0,0,red\n0,1,0,green\n0,0,1,blue\n0.9,0.1,0.1,red2\n1,1,0,yellow\n0.1,0.9,0.2,green2\n0.5,0.5,0.5,grey\n0,1,1,cyan\n";

    private CliEnvironment Environment => new(Folder, new Dictionary<string, string?> { ["KOHONEN_DATA"] = PathOf("store") });

    private async Task<JsonElement> TrainAsync(params string[] extra)
    {
        var data = PathOf("colors.csv");
        if (!File.Exists(data))
        {
            WriteFile("colors.csv", Colors);
        }

        string[] iterations = extra.Contains("--iterations") ? [] : ["--iterations", "40"];
        var run = await CliRun.InvokeAsync(Environment, ["train", "--data", data, "--label-column", "name", "--json", .. iterations, .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }

    private async Task<JsonElement> JsonOf(params string[] args)
    {
        var run = await CliRun.InvokeAsync(Environment, args);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }

    [Theory]
    [InlineData("kohonen.heartbeat", "1796664264526", "2026-12-07 17:24:24 UTC (1796664264526)")]
    [InlineData("kohonen.owner_started", "0", "1970-01-01 00:00:00 UTC (0)")]
    [InlineData("kohonen.heartbeat", "soon", "soon")]
    [InlineData("kohonen.heartbeat", "-5", "-5")]
    [InlineData("kohonen.heartbeat", "99999999999999999", "99999999999999999")]
    [InlineData("data_rows", "1796664264526", "1796664264526")]
    public void TheOwnersTimesAreShownAsUtcBesideTheStoredNumber(string key, string value, string shown) =>
        Assert.Equal(shown, Commands.RunsCommand.TagText(key, value));

    [Fact]
    public async Task ARecordedTrainingWithOutWritesTheBytesThePicturesAndTheFiguresTheRunKeeps()
    {
        var model = PathOf("m.som");
        var summary = await TrainAsync("--seed", "4", "--width", "5", "--height", "4", "--out", model);

        var runId = summary.GetProperty("run_id").GetString()!;
        var store = Kohonen.Tracking.SqliteTrackingStore.Open(PathOf("store"));
        var run = await store.GetRunAsync(runId, TestContext.Current.CancellationToken);
        Assert.Equal(File.ReadAllBytes(model), await store.ReadArtifactAsync(runId, "model.som", TestContext.Current.CancellationToken));
        foreach (var kind in new[] { "umatrix", "planes", "curve", "hits" })
        {
            Assert.Equal(File.ReadAllBytes(PathOf($"m.{kind}.png")), await store.ReadArtifactAsync(runId, $"pictures/{kind}.png", TestContext.Current.CancellationToken));
        }

        Assert.Equal(run.Metrics["final_quantization_error"].Value, summary.GetProperty("quantization_error").GetDouble());
        Assert.Equal(run.Metrics["final_topographic_error"].Value, summary.GetProperty("topographic_error").GetDouble());
        Assert.Equal(Math.Round(run.Metrics["train_seconds"].Value, 6), summary.GetProperty("train_seconds").GetDouble());
        var rows = CsvDataReader.Read(PathOf("colors.csv"), new CsvReadOptions { LabelColumn = "name" }).Data;
        Assert.Equal(SomFile.Load(model).QuantizationError(rows), summary.GetProperty("quantization_error").GetDouble(), 12);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ALabelledTrainingLogsItsTrainingAccuracyAndKeepsTheHits()
    {
        // Two far-apart groups of identical rows on a 2×1 map: each node wins one group. Group (0, 0)
        // holds a, a, a, b (its node says "a": 3 of its 4 rows right); group (10, 10) holds b ×4.
        // Accuracy on the training rows: 7 of 8. Hits: 4 and 4.
        var data = WriteFile("groups.csv", "x,y,kind\n0,0,a\n0,0,a\n0,0,a\n0,0,b\n10,10,b\n10,10,b\n10,10,b\n10,10,b\n");
        var model = PathOf("groups.som");

        var run = await CliRun.InvokeAsync(Environment, ["train", "--data", data, "--label-column", "kind", "--width", "2", "--height", "1", "--sigma", "1.5",
            "--iterations", "20", "--seed", "1", "--scale", "none", "--out", model, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal(0.875, summary.GetProperty("training_accuracy").GetDouble());
        var store = Kohonen.Tracking.SqliteTrackingStore.Open(PathOf("store"));
        var recorded = await store.GetRunAsync(summary.GetProperty("run_id").GetString()!, TestContext.Current.CancellationToken);
        Assert.Equal(0.875, recorded.Metrics["training_accuracy"].Value);
        var hits = SomFile.Load(model).Hits;
        Assert.NotNull(hits);
        Assert.Equal([4, 4], new[] { hits[0, 0], hits[1, 0] });
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task AnUnlabelledTrainingLogsNoAccuracy()
    {
        var data = WriteFile("plain.csv", "x,y\n0,0\n1,1\n2,2\n3,3\n");
        var summary = await JsonOf("train", "--data", data, "--seed", "4", "--width", "3", "--height", "3", "--iterations", "10", "--no-plots", "--json");

        Assert.False(summary.TryGetProperty("training_accuracy", out var shown) && shown.ValueKind != JsonValueKind.Null);
        var store = Kohonen.Tracking.SqliteTrackingStore.Open(PathOf("store"));
        var recorded = await store.GetRunAsync(summary.GetProperty("run_id").GetString()!, TestContext.Current.CancellationToken);
        Assert.False(recorded.Metrics.ContainsKey("training_accuracy"));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task TwoRunsWithDifferentOptionsAndRunsBestPicksTheLowerQuantizationError()
    {
        var tiny = await TrainAsync("--width", "2", "--height", "1", "--sigma", "1.5", "--seed", "1", "--run-name", "tiny");
        var large = await TrainAsync("--width", "6", "--height", "6", "--seed", "1", "--run-name", "large");
        var (tinyQe, largeQe) = (tiny.GetProperty("quantization_error").GetDouble(), large.GetProperty("quantization_error").GetDouble());
        Assert.True(largeQe < tinyQe, $"{largeQe} < {tinyQe}");

        var best = await JsonOf("runs", "best", "--json");
        var worst = await JsonOf("runs", "best", "--descending", "--json");

        Assert.Equal(large.GetProperty("run_id").GetString(), best.GetProperty("run").GetProperty("run_id").GetString());
        Assert.Equal(largeQe, best.GetProperty("value").GetDouble(), 12);
        Assert.Equal(tiny.GetProperty("run_id").GetString(), worst.GetProperty("run").GetProperty("run_id").GetString());
        var text = await CliRun.InvokeAsync(Environment, "runs", "best");
        Assert.StartsWith($"{large.GetProperty("run_id").GetString()}  large  quantization_error = ", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsShowHasTheParamsTagsArtifactsAndPerStepHistory()
    {
        var trained = await TrainAsync("--width", "4", "--height", "3", "--seed", "7", "--out", PathOf("m.som"));
        var runId = trained.GetProperty("run_id").GetString()!;

        var shown = await JsonOf("runs", "show", runId, "--json");

        var run = shown.GetProperty("run");
        Assert.Equal(runId, run.GetProperty("run_id").GetString());
        Assert.Equal("FINISHED", run.GetProperty("status").GetString());
        Assert.Equal("colors", run.GetProperty("run_name").GetString());
        Assert.Equal(("4", "3", "7"), (run.GetProperty("params").GetProperty("width").GetString(), run.GetProperty("params").GetProperty("height").GetString(), run.GetProperty("params").GetProperty("seed").GetString()));
        var tags = run.GetProperty("tags");
        Assert.Equal("colors.csv", tags.GetProperty("data_file").GetString());
        Assert.Equal("8", tags.GetProperty("data_rows").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(PathOf("colors.csv")))), tags.GetProperty("data_sha256").GetString());
        // The steps measured for the training curve, up to the last iteration, match the model's own history.
        var model = SomFile.Load(PathOf("m.som"));
        var history = shown.GetProperty("history").GetProperty("quantization_error").EnumerateArray().ToList();
        Assert.Equal(model.History.Select(h => (long)h.Iteration), history.Select(p => p.GetProperty("step").GetInt64()));
        Assert.Equal(model.History.Select(h => h.QuantizationError), history.Select(p => p.GetProperty("value").GetDouble()));
        // 40 iterations: one point per ten iterations.
        Assert.Equal([10L, 20L, 30L, 40L], history.Select(p => p.GetProperty("step").GetInt64()));
        Assert.Equal(["model.som", "pictures/curve.png", "pictures/hits.png", "pictures/labels.png", "pictures/planes.png", "pictures/umatrix.png"], shown.GetProperty("artifacts").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(trained.GetProperty("quantization_error").GetDouble(), run.GetProperty("metrics").GetProperty("final_quantization_error").GetDouble(), 12);

        var text = await CliRun.InvokeAsync(Environment, "runs", "show", runId);
        Assert.Contains("history", text.Out, StringComparison.Ordinal);
        Assert.Contains("quantization_error", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListOrdersByAMetricAndEveryRunObjectCarriesIdStatusParamsAndMetrics()
    {
        var a = await TrainAsync("--width", "2", "--height", "2", "--sigma", "1.5", "--seed", "2");
        var b = await TrainAsync("--width", "5", "--height", "5", "--seed", "2");

        var listed = await JsonOf("runs", "list", "--order-by", "quantization_error", "--json");
        var newest = await JsonOf("runs", "list", "--limit", "1", "--json");

        var runs = listed.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal([b.GetProperty("run_id").GetString(), a.GetProperty("run_id").GetString()], runs.Select(r => r.GetProperty("run_id").GetString()));
        Assert.All(runs, r =>
        {
            Assert.Equal("FINISHED", r.GetProperty("status").GetString());
            Assert.True(r.GetProperty("params").TryGetProperty("width", out _));
            Assert.True(r.GetProperty("metrics").TryGetProperty("quantization_error", out _));
        });
        Assert.Equal(b.GetProperty("run_id").GetString(), newest.GetProperty("runs")[0].GetProperty("run_id").GetString());
        Assert.Equal(1, newest.GetProperty("runs").GetArrayLength());
        var table = await CliRun.InvokeAsync(Environment, "runs", "list");
        Assert.Contains(a.GetProperty("run_id").GetString()![..8] + "  kohonen", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(a.GetProperty("run_id").GetString()!, table.Out, StringComparison.Ordinal);
        var running = await CliRun.InvokeAsync(Environment, "runs", "list", "--status", "running");
        Assert.StartsWith("No RUNNING runs in experiment 'kohonen' (", running.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareShowsParamsAndMetricsSideBySide()
    {
        var a = (await TrainAsync("--width", "3", "--height", "3", "--seed", "4")).GetProperty("run_id").GetString()!;
        var b = (await TrainAsync("--width", "4", "--height", "3", "--seed", "4")).GetProperty("run_id").GetString()!;

        var both = await JsonOf("runs", "compare", a, b, "--json");
        var text = await CliRun.InvokeAsync(Environment, "runs", "compare", a, b);

        Assert.Equal([a, b], both.EnumerateArray().Select(r => r.GetProperty("run").GetProperty("run_id").GetString()));
        Assert.Equal(["3", "4"], both.EnumerateArray().Select(r => r.GetProperty("run").GetProperty("params").GetProperty("width").GetString()));
        Assert.All(both.EnumerateArray(), r => Assert.True(r.GetProperty("comparable").GetBoolean()));
        var widthLine = text.Out.Split('\n').Single(l => l.Contains(" width ", StringComparison.Ordinal));
        Assert.Matches(@"^\s*\* width\s+3\s+4\s*$", widthLine);
        Assert.Matches(@"^\s+seed\s+4\s+4\s*$", text.Out.Split('\n').Single(l => l.Contains(" seed ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ExportWritesRunJsonAndTheArtifactsAndTheModelIsTheOneTrained()
    {
        var trained = await TrainAsync("--width", "3", "--height", "3", "--seed", "5", "--out", PathOf("m.som"), "--run-id-file", PathOf("run.id"));
        var runId = trained.GetProperty("run_id").GetString()!;
        Assert.Equal(runId + "\n", File.ReadAllText(PathOf("run.id")));

        var exported = await JsonOf("runs", "export", runId, "--out", PathOf("export"), "--json");

        Assert.Equal(["model.som", "pictures/curve.png", "pictures/hits.png", "pictures/labels.png", "pictures/planes.png", "pictures/umatrix.png", "run.json"], exported.GetProperty("files").EnumerateArray().Select(f => f.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(PathOf("m.som")), File.ReadAllBytes(PathOf("export/model.som")));
        Assert.Equal(File.ReadAllBytes(PathOf("m.curve.png")), File.ReadAllBytes(PathOf("export/pictures/curve.png")));
        using var runJson = JsonDocument.Parse(File.ReadAllText(PathOf("export/run.json")));
        Assert.Equal(runId, runJson.RootElement.GetProperty("run").GetProperty("run_id").GetString());

        var again = await CliRun.InvokeAsync(Environment, "runs", "export", runId, "--out", PathOf("export"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("is a file or a folder that is not empty", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRunsAndExperimentsAreErrorsNotFallbacks()
    {
        await TrainAsync("--seed", "1");

        var show = await CliRun.InvokeAsync(Environment, "runs", "show", "0123456789abcdef0123456789abcdef");
        var list = await CliRun.InvokeAsync(Environment, "runs", "list", "--experiment", "nope");
        var predict = await CliRun.InvokeAsync(Environment, "predict", "--run", "0123456789abcdef0123456789abcdef", "--data", PathOf("colors.csv"), "--columns", "r", "g", "b");
        var noMetric = await CliRun.InvokeAsync(Environment, "runs", "best", "--metric", "accuracy");

        Assert.Equal((2, "error: No run has the id '0123456789abcdef0123456789abcdef'.\n"), (show.ExitCode, show.Error));
        Assert.Equal((2, "error: --experiment: there is no experiment named 'nope'.\n"), (list.ExitCode, list.Error));
        Assert.Equal((2, "error: The run '0123456789abcdef0123456789abcdef' named by --run does not exist.\n"), (predict.ExitCode, predict.Error));
        Assert.Equal((2, "error: No finished run of experiment 'kohonen' has the metric 'accuracy' to choose by.\n"), (noMetric.ExitCode, noMetric.Error));
    }

    [Fact]
    public async Task PredictWithoutAModelUsesTheRunTheRulesSelect()
    {
        var small = await TrainAsync("--width", "2", "--height", "2", "--sigma", "1.5", "--seed", "3", "--out", PathOf("small.som"), "--run-id-file", PathOf("small.id"));
        await TrainAsync("--width", "6", "--height", "6", "--seed", "3", "--out", PathOf("large.som"));
        var rows = CsvDataReader.Read(PathOf("colors.csv"), new CsvReadOptions { LabelColumn = "name" }).Data;
        // Trained with --label-column, the models keep labels: predict adds the row, label and confidence.
        string Expected(string model)
        {
            var m = SomFile.Load(PathOf(model));
            return "row,bmu_x,bmu_y,distance,label,label_confidence\n" + string.Concat(m.FindBmus(rows).Select((b, i) =>
                FormattableString.Invariant($"{i + 1},{b.X},{b.Y},{b.Distance:R},{m.Labels!.LabelOf(b.Index)},{m.Labels.ConfidenceOf(b.Index):0.####}\n")));
        }

        string[] predict = ["predict", "--data", PathOf("colors.csv"), "--columns", "r", "g", "b"];

        var best = await CliRun.InvokeAsync(Environment, predict);
        var named = await CliRun.InvokeAsync(Environment with { Variables = new Dictionary<string, string?>(Environment.Variables) { ["SOM_RUN_ID_FILE"] = PathOf("small.id") } }, predict);
        var forced = await CliRun.InvokeAsync(Environment with { Variables = new Dictionary<string, string?>(Environment.Variables) { ["SOM_RUN_ID_FILE"] = PathOf("small.id"), ["SOM_FORCE_BEST"] = "true" } }, predict);

        Assert.Equal(Expected("large.som"), best.Out);
        Assert.Equal(Expected("small.som"), named.Out);
        Assert.Contains($"Using the model of run {small.GetProperty("run_id").GetString()![..8]} (colors): named by the run id file", named.Error, StringComparison.Ordinal);
        Assert.Equal(Expected("large.som"), forced.Out);
    }

    [Fact]
    public async Task TwoTrainingsAtOnceIntoOneStoreBothFinishAndTheDatabaseIsIntact()
    {
        WriteFile("colors.csv", Colors);
        var first = TrainAsync("--width", "20", "--height", "20", "--iterations", "400", "--seed", "1", "--run-name", "first");
        var second = TrainAsync("--width", "20", "--height", "20", "--iterations", "400", "--seed", "2", "--run-name", "second");
        var runs = await Task.WhenAll(first, second);

        var listed = await JsonOf("runs", "list", "--json");
        Assert.Equal(runs.Select(r => r.GetProperty("run_id").GetString()).Order(), listed.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run_id").GetString()).Order());
        Assert.All(listed.GetProperty("runs").EnumerateArray(), r => Assert.Equal("FINISHED", r.GetProperty("status").GetString()));
        foreach (var run in runs)
        {
            var shown = await JsonOf("runs", "show", run.GetProperty("run_id").GetString()!, "--json");
            Assert.True(shown.GetProperty("history").GetProperty("quantization_error").GetArrayLength() >= 10);
        }

        using var connection = new SqliteConnection($"Data Source={PathOf("store/kohonen.db")}");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
    }
}
