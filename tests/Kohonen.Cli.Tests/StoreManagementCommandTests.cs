using System.Globalization;
using System.Text.Json;
using Kohonen.Cli.Settings;

namespace Kohonen.Cli.Tests;

/// <summary>Runs a person can trust: ids typed as prefixes, tables that fit 80 columns, experiments,
/// deleting, tagging and renaming runs, and "best" among comparable runs only.</summary>
public class StoreManagementCommandTests : ScratchFolder
{
    private CliEnvironment Environment => new(Folder, new Dictionary<string, string?> { ["KOHONEN_DATA"] = PathOf("store") });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A CSV of <paramref name="rows"/> rows with the named columns (values from a seeded
    /// generator, the column's index added so that columns differ).</summary>
    private string Table(string name, string[] columns, int rows, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string> { string.Join(',', columns) };
        for (var i = 0; i < rows; i++)
        {
            lines.Add(string.Join(',', columns.Select((_, c) => (c * 10 + random.NextDouble()).ToString("0.###", CultureInfo.InvariantCulture))));
        }

        WriteFile(name, string.Join('\n', lines) + "\n");
        return PathOf(name);
    }

    private async Task<string> TrainAsync(string data, params string[] extra)
    {
        var run = await CliRun.InvokeAsync(Environment, ["train", "--data", data, "--width", "3", "--height", "3", "--iterations", "20", "--no-plots", "--json", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Out).RootElement.GetProperty("run_id").GetString()!;
    }

    private async Task<CliRun> OkAsync(params string[] args)
    {
        var run = await CliRun.InvokeAsync(Environment, args);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    [Fact]
    public async Task PredictAndBestChooseAmongRunsOfTheSameDataEachWithItsReason()
    {
        string[] wine = ["alcohol", "malic_acid", "ash"];
        string[] cancer = ["radius", "texture", "perimeter", "area", "smoothness"];
        var wineTrain = Table("wine_train.csv", wine, 40, 1);
        var wineTest = Table("wine_test.csv", wine, 5, 2);
        var cancerTrain = Table("cancer_train.csv", cancer, 40, 3);
        var cancerTest = Table("cancer_test.csv", cancer, 5, 4);
        var wineRun = await TrainAsync(wineTrain, "--seed", "1", "--scale", "zscore");
        var wineMinMax = await TrainAsync(wineTrain, "--seed", "1", "--scale", "minmax");
        var cancerRun = await TrainAsync(cancerTrain, "--seed", "1", "--scale", "zscore");

        var onWine = await OkAsync("predict", "--data", wineTest);
        var onCancer = await OkAsync("predict", "--data", cancerTest);
        var best = await OkAsync("runs", "best");
        var bestWine = await OkAsync("runs", "best", "--data", wineTrain, "--json");

        Assert.Equal(6, onWine.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Matches(@"^Using the model of run [0-9a-f]{8} \(wine_train\): lowest data_quantization_error [0-9.]+ \(in the data's units: the runs differ in scaling\) of 2 comparable runs on wine_train\.csv \(whose features wine_test\.csv has\) in experiment 'kohonen'; 1 other run not compared\.\n.*wine_test\.csv: took the first row as the header \(.*\); give --header no if it is data\.\n$", onWine.Error);
        Assert.StartsWith($"Using the model of run {cancerRun[..8]} (cancer_train): lowest quantization_error ", onCancer.Error, StringComparison.Ordinal);
        Assert.Contains("of 1 comparable run on cancer_train.csv (whose features cancer_test.csv has) in experiment 'kohonen'; 2 other runs not compared.", onCancer.Error, StringComparison.Ordinal);
        Assert.StartsWith($"{cancerRun}  cancer_train  quantization_error = ", best.Out, StringComparison.Ordinal);
        Assert.Contains($"Best run {cancerRun[..8]} (cancer_train): lowest quantization_error", best.Out, StringComparison.Ordinal);
        var chosen = JsonDocument.Parse(bestWine.Out).RootElement;
        Assert.Equal("data_quantization_error", chosen.GetProperty("metric").GetString());
        Assert.Equal(2, chosen.GetProperty("comparable_runs").GetInt32());
        var zscoreQe = await DataQeAsync(wineRun);
        var minmaxQe = await DataQeAsync(wineMinMax);
        Assert.NotEqual(zscoreQe, minmaxQe);
        Assert.Equal(zscoreQe < minmaxQe ? wineRun : wineMinMax, chosen.GetProperty("run").GetProperty("run_id").GetString());
        Assert.Equal("kohonen", chosen.GetProperty("run").GetProperty("experiment_name").GetString());
    }

    private async Task<double> DataQeAsync(string runId) =>
        JsonDocument.Parse((await OkAsync("runs", "show", runId, "--json")).Out).RootElement.GetProperty("run").GetProperty("metrics").GetProperty("data_quantization_error").GetDouble();

    [Fact]
    public async Task TablesFitEightyColumnsWithShortIdsAndCutNamesAndPrefixesAreTaken()
    {
        var data = Table("a_rather_long_data_file_name_for_the_table.csv", ["x", "y"], 20, 1);
        var id = await TrainAsync(data, "--run-name", "a very long run name that cannot fit in any reasonable column at all", "--seed", "2");
        var other = await TrainAsync(data, "--experiment", "elsewhere", "--seed", "2");

        var list = await OkAsync("runs", "list");
        var all = await OkAsync("runs", "list", "--all-experiments");
        var shown = await OkAsync("runs", "show", id[..6], "--json");
        var tooShort = await CliRun.InvokeAsync(Environment, "runs", "show", id[..5]);
        var unknown = await CliRun.InvokeAsync(Environment, "runs", "show", "ffffff0");

        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Runs of experiment 'kohonen', newest first ({PathOf("store")}):", lines[0]);
        Assert.Matches(@"^ID\s+EXPERIMENT\s+NAME\s+DATA\s+STATUS\s+STARTED\s+QE$", lines[1]);
        Assert.StartsWith($"{id[..8]}  kohonen     a very", lines[2], StringComparison.Ordinal);
        Assert.Contains("… ", lines[2], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        Assert.Contains(all.Out.Split('\n'), l => l.StartsWith($"{other[..8]}  elsewhere", StringComparison.Ordinal));
        Assert.Equal(id, JsonDocument.Parse(shown.Out).RootElement.GetProperty("run").GetProperty("run_id").GetString());
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("is not a run id: give the run's 32-hex id or its first 6 or more characters", tooShort.Error, StringComparison.Ordinal);
        Assert.Equal((2, "error: No run has the id 'ffffff0'.\n"), (unknown.ExitCode, unknown.Error));
    }

    [Fact]
    public async Task DeleteAsksFirstUnlessYesAndTakesTheArtifactsWithIt()
    {
        var data = Table("d.csv", ["x", "y"], 20, 1);
        var keep = await TrainAsync(data, "--seed", "1");
        var drop = await TrainAsync(data, "--seed", "2");
        var folder = Directory.GetDirectories(PathOf("store/artifacts"), drop, SearchOption.AllDirectories).Single();
        Assert.True(File.Exists(Path.Combine(folder, "model.som")));

        var nobody = await CliRun.InvokeAsync(Environment, null, Token, "runs", "delete", drop[..8]);
        var no = await CliRun.InvokeAsync(Environment, new StringReader("n\n"), Token, "runs", "delete", drop[..8]);
        var ended = await CliRun.InvokeAsync(Environment, new StringReader(""), Token, "runs", "delete", drop[..8]);
        Assert.True(File.Exists(Path.Combine(folder, "model.som")));
        var yes = await CliRun.InvokeAsync(Environment, new StringReader("y\n"), Token, "runs", "delete", drop[..8]);
        var again = await CliRun.InvokeAsync(Environment, "runs", "delete", "--yes", drop);

        Assert.Equal(2, nobody.ExitCode);
        Assert.Contains("add --yes", nobody.Error, StringComparison.Ordinal);
        Assert.Equal(0, no.ExitCode);
        Assert.Contains("Nothing deleted.", no.Error, StringComparison.Ordinal);
        Assert.Equal(2, ended.ExitCode);
        Assert.Contains("its input ended without an answer; nothing deleted. Add --yes", ended.Error, StringComparison.Ordinal);
        Assert.Equal(0, yes.ExitCode);
        Assert.Contains($"Delete run {drop[..8]} (d, FINISHED, 1 artifact) with their artifacts? [y/N]", yes.Error, StringComparison.Ordinal);
        Assert.Equal($"Deleted run {drop[..8]} (d) and its 1 artifact.\n", yes.Out);
        Assert.False(Directory.Exists(folder));
        Assert.Equal((2, $"error: No run has the id '{drop}'.\n"), (again.ExitCode, again.Error));
        var left = JsonDocument.Parse((await OkAsync("runs", "list", "--json")).Out).RootElement.GetProperty("runs");
        Assert.Equal([keep], left.EnumerateArray().Select(r => r.GetProperty("run_id").GetString()));
    }

    [Fact]
    public async Task RunsAreTaggedAndRenamedAndExperimentsListedCreatedAndRenamed()
    {
        var data = Table("t.csv", ["x", "y"], 20, 1);
        var id = await TrainAsync(data, "--seed", "1");

        var tagged = await OkAsync("runs", "tag", id[..7], "stage=production", "owner=ana");
        var renamed = await OkAsync("runs", "rename", id[..7], "the keeper");
        var created = await OkAsync("experiments", "create", "wine");
        var duplicate = await CliRun.InvokeAsync(Environment, "experiments", "create", "wine");
        var movedName = await OkAsync("experiments", "rename", "wine", "vino");
        var listed = await OkAsync("experiments", "list", "--json");
        var table = await OkAsync("experiments", "list");
        var badTag = await CliRun.InvokeAsync(Environment, "runs", "tag", id, "=x");
        var trainedInto = await OkAsync("train", "--data", data, "--width", "3", "--height", "3", "--iterations", "5", "--no-plots", "--experiment", "vino");

        var run = JsonDocument.Parse((await OkAsync("runs", "show", id, "--json")).Out).RootElement.GetProperty("run");
        Assert.Equal($"Tagged run {id[..8]}: stage=production, owner=ana.\n", tagged.Out);
        Assert.Equal($"Renamed run {id[..8]} from 't' to 'the keeper'.\n", renamed.Out);
        Assert.Equal(("production", "ana"), (run.GetProperty("tags").GetProperty("stage").GetString(), run.GetProperty("tags").GetProperty("owner").GetString()));
        Assert.Equal(("the keeper", "kohonen"), (run.GetProperty("run_name").GetString(), run.GetProperty("experiment_name").GetString()));
        Assert.StartsWith("Created experiment 'wine' (id ", created.Out, StringComparison.Ordinal);
        Assert.Equal((2, "error: There is already an experiment named 'wine'.\n"), (duplicate.ExitCode, duplicate.Error));
        Assert.Equal("Renamed experiment 'wine' to 'vino'.\n", movedName.Out);
        Assert.Equal([("kohonen", 1), ("vino", 0)], JsonDocument.Parse(listed.Out).RootElement.EnumerateArray().Select(e => (e.GetProperty("name").GetString(), e.GetProperty("runs").GetInt32())));
        Assert.Contains(table.Out.Split('\n'), l => l.StartsWith("kohonen", StringComparison.Ordinal) && l.EndsWith("(default)", StringComparison.Ordinal));
        Assert.Equal(2, badTag.ExitCode);
        Assert.Matches(@"\n  run                 [0-9a-f]{32} \(experiment 'vino'\)\n", trainedInto.Out);
    }

    [Fact]
    public async Task CompareShowsTheDataOfEachRunAndMarksRunsThatAreNotComparable()
    {
        var first = await TrainAsync(Table("one.csv", ["x", "y"], 20, 1), "--seed", "1");
        var second = await TrainAsync(Table("two.csv", ["x", "y", "z"], 30, 2), "--seed", "1");

        var text = await OkAsync("runs", "compare", first[..6], second[..6]);
        var json = JsonDocument.Parse((await OkAsync("runs", "compare", first, second, "--json")).Out).RootElement;

        var lines = text.Out.Split('\n');
        Assert.Matches(@"^\s+comparable\s+\(reference\)\s+NO\s*$", lines.Single(l => l.TrimStart().StartsWith("comparable ", StringComparison.Ordinal)));
        Assert.Matches(@"^\s*\* data file\s+one\.csv\s+two\.csv\s*$", lines.Single(l => l.TrimStart().StartsWith("* data file ", StringComparison.Ordinal)));
        Assert.Matches(@"^\s*\* data rows\s+20\s+30\s*$", lines.Single(l => l.TrimStart().StartsWith("* data rows ", StringComparison.Ordinal)));
        Assert.Matches(@"^\s*\* features\s+2 \(x, y\)\s+3 \(x, y, z\)\s*$", lines.Single(l => l.TrimStart().StartsWith("* features ", StringComparison.Ordinal)));
        Assert.Matches(@"^\s+scaling\s+none\s+none\s*$", lines.Single(l => l.TrimStart().StartsWith("scaling ", StringComparison.Ordinal)));
        Assert.Contains($"Run {second[..8]} is not comparable with {first[..8]}: data one.csv vs two.csv, features 2 (x, y) vs 3 (x, y, z)", text.Out, StringComparison.Ordinal);
        Assert.Equal([true, false], json.EnumerateArray().Select(r => r.GetProperty("comparable").GetBoolean()));
        Assert.Equal(["one.csv", "two.csv"], json.EnumerateArray().Select(r => r.GetProperty("data_file").GetString()));
    }
}
