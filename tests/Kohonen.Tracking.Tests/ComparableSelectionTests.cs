using Microsoft.Data.Sqlite;

namespace Kohonen.Tracking.Tests;

/// <summary>"Best" among comparable runs only: the same data fingerprint and feature schema as the
/// reference; ranked in the data's units when scalings differ, or refused saying what differs.</summary>
public sealed class ComparableSelectionTests : StoreFolder
{
    private const string Wine = "alcohol,malic_acid,ash";
    private const string Cancer = "radius,texture,perimeter,area";
    private const string WineSha = "aaaa000000000000000000000000000000000000000000000000000000000000";
    private const string CancerSha = "cccc000000000000000000000000000000000000000000000000000000000000";

    private SqliteTrackingStore Store { get; }

    public ComparableSelectionTests() => Store = SqliteTrackingStore.Open(Folder);

    /// <summary>Records a finished run as a training would: data tags, schema, scaling, QE (in scaled
    /// units) and, when given, the QE in the data's units; <paramref name="started"/> orders the runs.</summary>
    private async Task<string> RunAsync(string experiment, string name, string sha, string file, string schema, string scaling, double qe, double? dataQe, long started, string? distance = null)
    {
        var e = await Store.GetOrCreateExperimentAsync(experiment, Token);
        var run = await Store.CreateRunAsync(e.ExperimentId, name, Token);
        var parameters = new Dictionary<string, string> { ["scaling"] = scaling };
        if (distance is not null)
        {
            parameters["distance"] = distance; // recorded, as by a training, only when not the default
        }

        await Store.LogParamsAsync(run.RunId, parameters, Token);
        var tags = new Dictionary<string, string> { ["data_sha256"] = sha, ["data_file"] = file, ["data_rows"] = "100", ["feature_schema"] = schema, ["scaling"] = scaling, ["encoder"] = "none" };
        await Store.SetTagsAsync(run.RunId, tags, Token);
        List<Metric> metrics = [new("quantization_error", qe, 10, 0)];
        if (dataQe is { } d)
        {
            metrics.Add(new(RunProfile.DataQuantizationError, d, 10, 0));
        }

        await Store.LogMetricsAsync(run.RunId, metrics, Token);
        await Store.EndRunAsync(run.RunId, RunStatus.Finished, Token);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Folder, "kohonen.db")}");
        await connection.OpenAsync(Token);
        await using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE runs SET start_time = {started} WHERE run_id = '{run.RunId}'";
        await update.ExecuteNonQueryAsync(Token);
        return run.RunId;
    }

    /// <summary>Wine twice (min-max with a low scaled QE but a high QE in the data's units, z-score the
    /// other way round), then cancer, the most recent, with the lowest QE of all.</summary>
    private async Task<(string WineMinMax, string WineZScore, string Cancer)> ThreeRunsAsync()
    {
        var minmax = await RunAsync("kohonen", "wine_minmax", WineSha, "wine_train.csv", Wine, "minmax", 0.434, 9.5, 1000);
        var zscore = await RunAsync("kohonen", "wine_zscore", WineSha, "wine_train.csv", Wine, "zscore", 1.72, 4.25, 2000);
        var cancer = await RunAsync("kohonen", "cancer_train", CancerSha, "cancer_train.csv", Cancer, "zscore", 0.05, 30.0, 3000);
        return (minmax, zscore, cancer);
    }

    [Fact]
    public async Task WithoutDataTheReferenceIsTheMostRecentRunAndOtherDataIsNotCompared()
    {
        var (_, _, cancer) = await ThreeRunsAsync();

        var choice = await ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "kohonen" }, Token);

        Assert.Equal(cancer, choice.Run.Info.RunId);
        Assert.Equal("lowest quantization_error 0.05 of 1 comparable run on cancer_train.csv in experiment 'kohonen'; 2 other runs not compared", choice.Reason);
    }

    [Fact]
    public async Task RunsWithDifferentDistancesAreRankedInTheDataUnitsNotTheirOwnDistances()
    {
        // The same data and scaling; 1 − cos θ and L1 are not in L2's units: cosine's QE is lowest,
        // the Euclidean map's error in the data's units is.
        var euclidean = await RunAsync("kohonen", "wine_euclidean", WineSha, "wine_train.csv", Wine, "zscore", 2.83, 3.1, 1000);
        await RunAsync("kohonen", "wine_manhattan", WineSha, "wine_train.csv", Wine, "zscore", 11.25, 3.4, 2000, "manhattan");
        await RunAsync("kohonen", "wine_cosine", WineSha, "wine_train.csv", Wine, "zscore", 0.1674, 3.9, 3000, "cosine");

        var choice = await ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "kohonen" }, Token);

        Assert.Equal(euclidean, choice.Run.Info.RunId);
        Assert.StartsWith("lowest data_quantization_error 3.1 (in the data's units: the runs differ in distance) of 3 comparable runs", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsWithDifferentDistancesWithoutTheDataUnitsErrorAreRefused()
    {
        await RunAsync("kohonen", "wine_euclidean", WineSha, "wine_train.csv", Wine, "minmax", 2.83, null, 1000);
        await RunAsync("kohonen", "wine_cosine", WineSha, "wine_train.csv", Wine, "zscore", 0.1674, null, 2000, "cosine");

        var error = await Assert.ThrowsAsync<TrackingException>(() => ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "kohonen" }, Token));

        Assert.StartsWith("The 2 comparable runs on wine_train.csv differ in scaling and distance (", error.Message, StringComparison.Ordinal);
        Assert.Contains("minmax/euclidean: 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("zscore/cosine: 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsWithDifferentScalingsAreRankedInTheDataUnitsNotTheirScaledUnits()
    {
        var (_, zscore, _) = await ThreeRunsAsync();
        var trainingFile = new DataReference("wine_train.csv", WineSha, ["alcohol", "malic_acid", "ash"], 3);

        var choice = await ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "kohonen", Data = trainingFile }, Token);

        // Min-max has the lower scaled QE (0.434 < 1.72) but the higher error in wine's units (9.5 > 4.25).
        Assert.Equal(zscore, choice.Run.Info.RunId);
        Assert.Equal(RunProfile.DataQuantizationError, choice.MetricKey);
        Assert.Equal(2, choice.ComparableRuns);
        Assert.StartsWith("lowest data_quantization_error 4.25 (in the data's units: the runs differ in scaling) of 2 comparable runs on wine_train.csv", choice.Reason, StringComparison.Ordinal);
        Assert.Equal($"Serving run {zscore[..8]} (wine_zscore): {choice.Reason}.", choice.Describe("Serving"));
    }

    [Fact]
    public async Task AFileNoRunWasTrainedOnChoosesAmongRunsWhoseFeaturesItHas()
    {
        var (_, zscore, _) = await ThreeRunsAsync();
        var testFile = new DataReference("wine_test.csv", "ffff", ["class", "ash", "alcohol", "malic_acid"], 4);

        var choice = await ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "kohonen", Data = testFile }, Token);

        Assert.Equal(zscore, choice.Run.Info.RunId);
        Assert.Contains("of 2 comparable runs on wine_train.csv (whose features wine_test.csv has) in experiment 'kohonen'; 1 other run not compared", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileWhoseColumnsNoRunHasIsRefusedSayingWhatTheRunsWereTrainedOn()
    {
        await ThreeRunsAsync();
        var digits = new DataReference("digits.csv", "dddd", ["pixel_0", "pixel_1"], 2);

        var error = await Assert.ThrowsAsync<TrackingException>(() => ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "kohonen", Data = digits }, Token));

        Assert.StartsWith("No finished run of experiment 'kohonen' was trained on digits.csv or on features it has (pixel_0, pixel_1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("wine_train.csv (3 (alcohol, malic_acid, ash))", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DifferentScalingsWithoutTheDataUnitErrorAreRefusedSayingWhatDiffers()
    {
        await RunAsync("old", "a", WineSha, "wine.csv", Wine, "minmax", 0.4, null, 1000);
        await RunAsync("old", "b", WineSha, "wine.csv", Wine, "zscore", 1.7, 4.0, 2000);

        var error = await Assert.ThrowsAsync<TrackingException>(() => ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "old" }, Token));

        Assert.StartsWith("The 2 comparable runs on wine.csv differ in scaling (zscore: 1, minmax: 1), and quantization_error is measured in each run's scaled units", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 of them have no data_quantization_error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneScalingIsRankedByTheMetricAsAsked()
    {
        var low = await RunAsync("same", "low", WineSha, "wine.csv", Wine, "zscore", 0.5, 9.0, 1000);
        await RunAsync("same", "high", WineSha, "wine.csv", Wine, "zscore", 0.9, 1.0, 2000);

        var choice = await ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "same" }, Token);

        Assert.Equal(low, choice.Run.Info.RunId);
        Assert.Equal("lowest quantization_error 0.5 of 2 comparable runs on wine.csv in experiment 'same'", choice.Reason);
    }

    [Fact]
    public async Task ADifferentSchemaOnTheSameFileIsNotComparable()
    {
        var all = await RunAsync("cols", "all", WineSha, "wine.csv", Wine, "zscore", 0.9, 3.0, 1000);
        await RunAsync("cols", "two", WineSha, "wine.csv", "alcohol,ash", "zscore", 0.1, 0.5, 500);

        var choice = await ModelSelector.ChooseAsync(Store, new SelectionRules { ExperimentName = "cols" }, Token);

        Assert.Equal(all, choice.Run.Info.RunId);
        Assert.False(RunProfile.Of(await Store.GetRunAsync(all, Token)).IsComparableWith(RunProfile.Of(choice.Run) with { Schema = "alcohol,ash" }));
    }

    [Fact]
    public async Task ANamedRunIsChosenWithThatReason()
    {
        var (minmax, _, _) = await ThreeRunsAsync();

        var choice = await ModelSelector.ChooseAsync(Store, new SelectionRules { RunId = minmax[..7] }, Token);

        Assert.Equal((minmax, "named by the run id setting"), (choice.Run.Info.RunId, choice.Reason));
    }
}
