namespace Kohonen.Tracking.Tests;

public sealed class ModelSelectorTests : StoreFolder
{
    /// <summary>Runs "a" (QE 0.5), "b" (QE 0.2), "c" (no QE, finished) and "d" (QE 0.1, still
    /// running) in experiment "e"; returns their ids by name.</summary>
    private async Task<(SqliteTrackingStore Store, Dictionary<string, string> Ids)> FourRuns()
    {
        var store = SqliteTrackingStore.Open(Path.Combine(Folder, "data"));
        var experiment = (await store.GetOrCreateExperimentAsync("e", Token)).ExperimentId;
        var ids = new Dictionary<string, string>();
        foreach (var (name, qe, finish) in new (string, double?, bool)[] { ("a", 0.5, true), ("b", 0.2, true), ("c", null, true), ("d", 0.1, false) })
        {
            var run = await store.CreateRunAsync(experiment, name, Token);
            ids[name] = run.RunId;
            if (qe is { } value)
            {
                await store.LogMetricsAsync(run.RunId, [new Metric("quantization_error", value, 1, 0)], Token);
            }

            if (finish)
            {
                await store.EndRunAsync(run.RunId, RunStatus.Finished, Token);
            }
        }

        return (store, ids);
    }

    [Fact]
    public async Task TheBestFinishedRunHasTheLowestMetricAndARunningOrMetriclessRunNeverWins()
    {
        var (store, _) = await FourRuns();

        var best = await ModelSelector.SelectAsync(store, new SelectionRules(), Token);
        var highest = await ModelSelector.SelectAsync(store, new SelectionRules { Ascending = false }, Token);

        Assert.Equal("b", best.Info.RunName);
        Assert.Equal("a", highest.Info.RunName);
    }

    [Fact]
    public async Task AnExplicitRunWinsUnlessBestIsForced()
    {
        var (store, ids) = await FourRuns();
        var file = Path.Combine(Folder, "run_id.txt");
        await File.WriteAllTextAsync(file, ids["c"] + "\n", Token);

        Assert.Equal("a", (await ModelSelector.SelectAsync(store, new SelectionRules { RunId = ids["a"], RunIdFile = file }, Token)).Info.RunName);
        Assert.Equal("c", (await ModelSelector.SelectAsync(store, new SelectionRules { RunIdFile = file }, Token)).Info.RunName);
        Assert.Equal("b", (await ModelSelector.SelectAsync(store, new SelectionRules { RunId = ids["a"], ForceBest = true }, Token)).Info.RunName);
    }

    [Fact]
    public async Task AMissingNamedRunOrIdFileIsAnErrorNotAFallback()
    {
        var (store, _) = await FourRuns();

        var missingRun = await Assert.ThrowsAsync<TrackingException>(() => ModelSelector.SelectAsync(store, new SelectionRules { RunId = "0123456789" }, Token));
        var tooShort = await Assert.ThrowsAsync<TrackingException>(() => ModelSelector.SelectAsync(store, new SelectionRules { RunId = "0123" }, Token));
        var missingFile = await Assert.ThrowsAsync<TrackingException>(() => ModelSelector.SelectAsync(store, new SelectionRules { RunIdFile = Path.Combine(Folder, "nope") }, Token));

        Assert.Equal("The run '0123456789' named by the run id setting does not exist.", missingRun.Message);
        Assert.StartsWith("The run id setting names '0123': '0123' is not a run id: give the run's 32-hex id or its first 6 or more characters", tooShort.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", missingFile.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNoRunHavingTheMetricNothingIsChosen()
    {
        var (store, _) = await FourRuns();

        var error = await Assert.ThrowsAsync<TrackingException>(() => ModelSelector.SelectAsync(store, new SelectionRules { MetricKey = "topographic_error" }, Token));

        Assert.Equal("No finished run has the metric 'topographic_error' to choose by.", error.Message);
    }
}
