using Microsoft.Data.Sqlite;

namespace Kohonen.Tracking.Tests;

public sealed class SqliteTrackingStoreTests : StoreFolder
{
    private static Metric M(string key, double value, long step) => new(key, value, step, 1_700_000_000_000 + step);

    [Fact]
    public async Task AnExperimentIsCreatedOnceByName()
    {
        var store = SqliteTrackingStore.Open(Folder);

        var first = await store.GetOrCreateExperimentAsync("colors", Token);
        var again = await store.GetOrCreateExperimentAsync("colors", Token);
        var other = await store.GetOrCreateExperimentAsync("iris", Token);

        Assert.Equal(first, again);
        Assert.NotEqual(first.ExperimentId, other.ExperimentId);
        Assert.Null(await store.GetExperimentByNameAsync("missing", Token));
        Assert.Equal(other, await store.GetExperimentAsync(other.ExperimentId, Token));
        Assert.Null(await store.GetExperimentAsync("999", Token));
        Assert.Null(await store.GetExperimentAsync("not a number", Token));
    }

    [Fact]
    public async Task ARunKeepsItsParamsMetricHistoryAndTagsFromStartToFinish()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var experiment = await store.GetOrCreateExperimentAsync("colors", Token);

        var info = await store.CreateRunAsync(experiment.ExperimentId, "first", Token);
        await store.LogParamsAsync(info.RunId, new Dictionary<string, string> { ["width"] = "100", ["seed"] = "1" }, Token);
        await store.LogMetricsAsync(info.RunId, [M("quantization_error", 0.5, 1), M("quantization_error", 0.3, 2), M("topographic_error", 0.1, 2)], Token);
        await store.LogMetricsAsync(info.RunId, [M("quantization_error", 0.2, 3)], Token);
        await store.SetTagsAsync(info.RunId, new Dictionary<string, string> { ["data"] = "colors.csv" }, Token);
        await store.SetTagsAsync(info.RunId, new Dictionary<string, string> { ["data"] = "colors.npy" }, Token);
        await store.EndRunAsync(info.RunId, RunStatus.Finished, Token);

        Assert.Matches("^[0-9a-f]{32}$", info.RunId);
        var run = await store.GetRunAsync(info.RunId, Token);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.True(run.Info.EndTime >= run.Info.StartTime);
        Assert.Equal("100", run.Params["width"]);
        Assert.Equal((0.2, 3L), (run.Metrics["quantization_error"].Value, run.Metrics["quantization_error"].Step));
        Assert.Equal("colors.npy", run.Tags["data"]);
        var history = await store.GetMetricHistoryAsync(info.RunId, "quantization_error", Token);
        Assert.Equal([(1L, 0.5), (2L, 0.3), (3L, 0.2)], history.Select(m => (m.Step, m.Value)));
    }

    [Fact]
    public async Task AParamCannotChangeAndARefusedCallLogsNothing()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var run = await store.CreateRunAsync((await store.GetOrCreateExperimentAsync("e", Token)).ExperimentId, "r", Token);
        await store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["a"] = "1" }, Token);

        await store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["a"] = "1" }, Token);
        var error = await Assert.ThrowsAsync<TrackingException>(() =>
            store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["b"] = "3", ["a"] = "2" }, Token));

        Assert.Equal($"Param 'a' of run {run.RunId} is '1'; a param cannot change (tried '2').", error.Message);
        Assert.Equal(["a"], (await store.GetRunAsync(run.RunId, Token)).Params.Keys);
    }

    [Fact]
    public async Task NotANumberAndInfinityAreKeptAsLogged()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var run = await store.CreateRunAsync((await store.GetOrCreateExperimentAsync("e", Token)).ExperimentId, "r", Token);

        await store.LogMetricsAsync(run.RunId, [M("te", double.NaN, 1), M("te", double.PositiveInfinity, 2), M("te", -0.0, 3)], Token);

        var history = await store.GetMetricHistoryAsync(run.RunId, "te", Token);
        Assert.True(double.IsNaN(history[0].Value));
        Assert.Equal(double.PositiveInfinity, history[1].Value);
        Assert.Equal(0.0, history[2].Value);
    }

    [Fact]
    public async Task SearchOrdersByAMetricAndPutsRunsWithoutItLast()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var experiment = (await store.GetOrCreateExperimentAsync("e", Token)).ExperimentId;
        var ids = new Dictionary<string, string>();
        foreach (var (name, qe) in new (string, double?)[] { ("half", 0.5), ("fifth", 0.2), ("none", null), ("running", 0.1) })
        {
            var run = await store.CreateRunAsync(experiment, name, Token);
            ids[name] = run.RunId;
            if (qe is { } value)
            {
                await store.LogMetricsAsync(run.RunId, [M("quantization_error", value, 1)], Token);
            }

            if (name != "running")
            {
                await store.EndRunAsync(run.RunId, RunStatus.Finished, Token);
            }
        }

        var lowest = await store.SearchRunsAsync(new RunQuery { Status = RunStatus.Finished, OrderByMetric = "quantization_error" }, Token);
        var highest = await store.SearchRunsAsync(new RunQuery { Status = RunStatus.Finished, OrderByMetric = "quantization_error", Ascending = false, MaxResults = 2 }, Token);
        var everything = await store.SearchRunsAsync(new RunQuery { ExperimentIds = [experiment] }, Token);

        Assert.Equal(["fifth", "half", "none"], lowest.Select(r => r.Info.RunName));
        Assert.Equal(["half", "fifth"], highest.Select(r => r.Info.RunName));
        Assert.Equal(4, everything.Count);
    }

    [Fact]
    public async Task OneSearchGivesEachRunItsOwnParamsTagsAndLatestMetrics()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var one = (await store.GetOrCreateExperimentAsync("one", Token)).ExperimentId;
        var two = (await store.GetOrCreateExperimentAsync("two", Token)).ExperimentId;
        var expected = new Dictionary<string, (string Experiment, double Qe, long Step, int Params)>();
        for (var i = 0; i < 12; i++)
        {
            var experiment = i % 3 == 0 ? two : one;
            var run = await store.CreateRunAsync(experiment, $"run{i}", Token);
            await store.LogParamsAsync(run.RunId, Enumerable.Range(0, i % 4).ToDictionary(k => $"p{k}", k => $"{i}-{k}"), Token);
            await store.SetTagsAsync(run.RunId, new Dictionary<string, string> { ["who"] = $"run{i}" }, Token);
            // Steps logged out of order, and the highest step twice: the latest is the last logged at
            // the highest step, whatever the order of logging.
            await store.LogMetricsAsync(run.RunId, [M("quantization_error", 10 + i, 5), M("quantization_error", 20 + i, 9), M("quantization_error", 30 + i, 2), M("quantization_error", 40 + i, 9)], Token);
            if (i % 2 == 0)
            {
                await store.LogMetricsAsync(run.RunId, [M("topographic_error", i / 100.0, 1)], Token);
            }

            expected[run.RunId] = (experiment, 40 + i, 9, i % 4);
        }

        var all = await store.SearchRunsAsync(new RunQuery { MaxResults = 100 }, Token);
        var onlyTwo = await store.SearchRunsAsync(new RunQuery { ExperimentIds = [two] }, Token);

        Assert.Equal(12, all.Count);
        Assert.Equal(4, onlyTwo.Count);
        Assert.All(onlyTwo, r => Assert.Equal(two, r.Info.ExperimentId));
        foreach (var run in all)
        {
            var (experiment, qe, step, count) = expected[run.Info.RunId];
            var i = int.Parse(run.Info.RunName[3..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(experiment, run.Info.ExperimentId);
            Assert.Equal((qe, step), (run.Metrics["quantization_error"].Value, run.Metrics["quantization_error"].Step));
            Assert.Equal(i % 2 == 0, run.Metrics.ContainsKey("topographic_error"));
            Assert.Equal(count, run.Params.Count);
            Assert.All(run.Params, p => Assert.StartsWith($"{i}-", p.Value, StringComparison.Ordinal));
            Assert.Equal($"run{i}", run.Tags["who"]);
            Assert.Equal(run.Metrics["quantization_error"].Value, (await store.GetRunAsync(run.Info.RunId, Token)).Metrics["quantization_error"].Value);
        }
    }

    [Fact]
    public async Task AKilledRunKeepsTheMetricsLoggedBeforeItStopped()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var run = await store.CreateRunAsync((await store.GetOrCreateExperimentAsync("e", Token)).ExperimentId, "r", Token);
        await store.LogMetricsAsync(run.RunId, [M("quantization_error", 0.9, 1), M("quantization_error", 0.7, 2)], Token);

        await store.EndRunAsync(run.RunId, RunStatus.Killed, Token);

        var killed = await store.GetRunAsync(run.RunId, Token);
        Assert.Equal(RunStatus.Killed, killed.Info.Status);
        Assert.Equal(2, (await store.GetMetricHistoryAsync(run.RunId, "quantization_error", Token)).Count);
    }

    [Fact]
    public async Task TwoTrainingsWritingAtOnceCorruptNothing()
    {
        // Two stores on one directory (as two processes would have), each writing a run step by step.
        var stores = new[] { SqliteTrackingStore.Open(Folder), SqliteTrackingStore.Open(Folder) };
        var experiment = (await stores[0].GetOrCreateExperimentAsync("e", Token)).ExperimentId;

        var runIds = await Task.WhenAll(stores.Select((store, n) => Task.Run(async () =>
        {
            var run = await store.CreateRunAsync(experiment, $"training {n}", Token);
            await store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["n"] = $"{n}" }, Token);
            for (var step = 0; step < 300; step++)
            {
                await store.LogMetricsAsync(run.RunId, [M("quantization_error", 1.0 / (step + 1), step)], Token);
                if (step % 50 == 0)
                {
                    await store.SetTagsAsync(run.RunId, new Dictionary<string, string> { ["at"] = $"{step}" }, Token);
                }
            }

            await store.EndRunAsync(run.RunId, RunStatus.Finished, Token);
            return run.RunId;
        }, Token)));

        foreach (var runId in runIds)
        {
            var history = await stores[1].GetMetricHistoryAsync(runId, "quantization_error", Token);
            Assert.Equal(Enumerable.Range(0, 300).Select(s => (long)s), history.Select(m => m.Step));
            Assert.Equal(RunStatus.Finished, (await stores[0].GetRunAsync(runId, Token)).Info.Status);
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(Folder, "kohonen.db")}");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
    }

    [Fact]
    public void TheSchemaIsVersionedAndADatabaseFromANewerVersionIsRefused()
    {
        var store = SqliteTrackingStore.Open(Folder);
        Assert.Equal(SqliteTrackingStore.SchemaVersion, store.ReadSchemaVersion());
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(Folder, "kohonen.db")}"))
        {
            connection.Open();
            using var bump = connection.CreateCommand();
            bump.CommandText = "PRAGMA user_version = 99";
            bump.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var error = Assert.Throws<TrackingException>(() => SqliteTrackingStore.Open(Folder));

        Assert.Contains("schema version 99, written by a newer version of Kohonen; this build reads up to version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArtifactsRoundTripAndTheirPathsCannotLeaveTheRun()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var run = await store.CreateRunAsync((await store.GetOrCreateExperimentAsync("e", Token)).ExperimentId, "r", Token);

        await store.LogArtifactAsync(run.RunId, "model.som", new byte[] { 1, 2, 3 }, Token);
        await store.LogArtifactAsync(run.RunId, "pictures/umatrix.png", new byte[] { 9 }, Token);

        Assert.Equal(["model.som", "pictures/umatrix.png"], await store.ListArtifactsAsync(run.RunId, Token));
        Assert.Equal([1, 2, 3], await store.ReadArtifactAsync(run.RunId, "model.som", Token));
        foreach (var bad in new[] { "../escape", "/etc/passwd", "a/../../b", "a\\b", "", "c:x", "a//b", "./a" })
        {
            await Assert.ThrowsAsync<TrackingException>(() => store.LogArtifactAsync(run.RunId, bad, new byte[] { 0 }, Token));
        }

        Assert.DoesNotContain(Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories), f => f.EndsWith("escape", StringComparison.Ordinal));
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.LogArtifactAsync(new string('0', 32), "x", new byte[] { 0 }, Token));
    }

    [Fact]
    public async Task AnUnknownRunIsReportedByItsId()
    {
        var store = SqliteTrackingStore.Open(Folder);

        var error = await Assert.ThrowsAsync<RunNotFoundException>(() => store.GetRunAsync("feedface", Token));
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.LogMetricsAsync("feedface", [M("x", 1, 1)], Token));
        await Assert.ThrowsAsync<TrackingException>(() => store.CreateRunAsync("12345", "r", Token));

        Assert.Equal("No run has the id 'feedface'.", error.Message);
    }
}
