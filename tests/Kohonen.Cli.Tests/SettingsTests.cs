using System.Text.Json;
using Kohonen.Cli.Settings;

namespace Kohonen.Cli.Tests;

/// <summary>Settings from appsettings.json, .env, the environment and flags, in that order of strength,
/// and bad values refused with the setting's name.</summary>
public class SettingsTests : ScratchFolder
{
    private const string Colors = "r,g,b\n1,0,0\n0,1,0\n0,0,1\n0.9,0.1,0.1\n";

    private async Task<(int Width, int Height, int Iterations, int Seed)> TrainedWithAsync(Dictionary<string, string?> environment, params string[] flags)
    {
        var data = WriteFile("colors.csv", Colors);
        environment.TryAdd("KOHONEN_DATA", PathOf("store"));
        var run = await CliRun.InvokeAsync(new CliEnvironment(Folder, environment), ["train", "--data", data, "--json", .. flags]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var root = JsonDocument.Parse(run.Out).RootElement;
        return (root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(), root.GetProperty("iterations").GetInt32(), root.GetProperty("seed").GetInt32());
    }

    [Fact]
    public async Task EachLayerOverridesTheOneBelow()
    {
        Assert.Equal((10, 10, 100, 1), await TrainedWithAsync([], "--seed", "1"));

        WriteFile("appsettings.json", """{ "SOM_WIDTH": 7, "SOM_HEIGHT": 6, "SOM_ITERATIONS": 30, "SOM_RANDOM_STATE": 11 }""");
        Assert.Equal((7, 6, 30, 11), await TrainedWithAsync([]));

        WriteFile(".env", "# a comment\nSOM_WIDTH=8\nexport SOM_ITERATIONS=\"20\"\n");
        Assert.Equal((8, 6, 20, 11), await TrainedWithAsync([]));

        Assert.Equal((9, 6, 20, 11), await TrainedWithAsync(new() { ["SOM_WIDTH"] = "9" }));

        Assert.Equal((5, 6, 12, 3), await TrainedWithAsync(new() { ["SOM_WIDTH"] = "9" }, "--width", "5", "--iterations", "12", "--seed", "3"));
    }

    [Fact]
    public void UnsetTrainingSettingsAreTheCoresDefaults()
    {
        var settings = KohonenSettings.Load(new CliEnvironment(Folder, new Dictionary<string, string?>()));

        // The classic algorithm's defaults: a 10×10 map, 100 iterations, α₀ = 0.1, σ₀ from the map.
        Assert.Equal((10, 10, 100, 0.1, (double?)null), (settings.Width, settings.Height, settings.Iterations, settings.LearningRate, settings.Sigma));
        Assert.Equal((SomOptions.Default.Width, SomOptions.Default.Height, SomOptions.Default.Iterations, SomOptions.Default.LearningRate),
            (settings.Width, settings.Height, settings.Iterations, settings.LearningRate));
    }

    [Fact]
    public async Task ALearningRateSettingReachesTheRecordedRun()
    {
        var data = WriteFile("colors.csv", Colors);
        var run = await CliRun.InvokeAsync(new CliEnvironment(Folder, new Dictionary<string, string?> { ["KOHONEN_DATA"] = PathOf("store"), ["SOM_LEARNING_RATE"] = "0.25" }),
            "train", "--data", data, "--iterations", "5", "--seed", "1", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var runId = JsonDocument.Parse(run.Out).RootElement.GetProperty("run_id").GetString()!;
        var store = Kohonen.Tracking.SqliteTrackingStore.Open(PathOf("store"));
        Assert.Equal("0.25", (await store.GetRunAsync(runId, TestContext.Current.CancellationToken)).Params["learning_rate"]);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task TheDataDirectoryAndRunNameComeFromSettings()
    {
        WriteFile(".env", "KOHONEN_DATA=from-dotenv\nSOM_RUN_NAME=named in .env\n");
        var data = WriteFile("colors.csv", Colors);

        var run = await CliRun.InvokeAsync(new CliEnvironment(Folder, new Dictionary<string, string?>()), "train", "--data", data, "--seed", "1", "-q");
        var listed = await CliRun.InvokeAsync(new CliEnvironment(Folder, new Dictionary<string, string?>()), "runs", "list", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(PathOf("from-dotenv/kohonen.db")));
        using var json = JsonDocument.Parse(listed.Out);
        Assert.Equal("named in .env", json.RootElement.GetProperty("runs")[0].GetProperty("run_name").GetString());
    }

    [Fact]
    public async Task TrainWithoutDataUsesSamplesAndInputDimLikeThePythonOriginal()
    {
        var run = await CliRun.InvokeAsync(new CliEnvironment(Folder, new Dictionary<string, string?> { ["SOM_SAMPLES"] = "37", ["SOM_INPUT_DIM"] = "5", ["KOHONEN_DATA"] = PathOf("store") }),
            "train", "--width", "4", "--height", "4", "--iterations", "5", "--seed", "1", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal((37, 5), (json.RootElement.GetProperty("rows").GetInt32(), json.RootElement.GetProperty("dim").GetInt32()));
    }

    [Theory]
    [InlineData("SOM_WIDTH", "abc", "setting SOM_WIDTH (from the environment) is 'abc'; allowed: 1..65536.")]
    [InlineData("SOM_WIDTH", "0", "setting SOM_WIDTH (from the environment) is '0'; allowed: 1..65536.")]
    [InlineData("SOM_LEARNING_RATE", "1.5", "setting SOM_LEARNING_RATE (from the environment) is '1.5'; allowed: a number in (0, 1].")]
    [InlineData("SOM_SIGMA", "NaN", "setting SOM_SIGMA (from the environment) is 'NaN'; allowed: a number > 0.")]
    [InlineData("SOM_METRIC_ASCENDING", "maybe", "setting SOM_METRIC_ASCENDING (from the environment) is 'maybe'; allowed: true or false.")]
    [InlineData("SOM_RANDOM_STATE", "-1", "setting SOM_RANDOM_STATE (from the environment) is '-1'; allowed: a whole number in 0..2147483647.")]
    [InlineData("MLFLOW_TRACKING_URI", "file:///tmp/mlruns", "setting MLFLOW_TRACKING_URI (from the environment) is 'file:///tmp/mlruns' (only an MLflow server over HTTP is supported; leave it empty for the embedded store); allowed: an http:// or https:// address, or empty.")]
    [InlineData("PORT", "70000", "setting PORT (from the environment) is '70000'; allowed: 1..65535.")]
    public async Task ABadValueStopsWithTheSettingsNameAndWhatIsAllowed(string name, string value, string message)
    {
        var data = WriteFile("colors.csv", Colors);

        var run = await CliRun.InvokeAsync(new CliEnvironment(Folder, new Dictionary<string, string?> { [name] = value, ["KOHONEN_DATA"] = PathOf("store") }),
            "train", "--data", data, "--out", PathOf("m.som"));

        Assert.Equal((2, $"error: {message}\n"), (run.ExitCode, run.Error));
        Assert.False(File.Exists(PathOf("m.som")));
        Assert.False(Directory.Exists(PathOf("store")));
    }

    [Fact]
    public async Task BadFilesAndValuesNameTheirSource()
    {
        var data = WriteFile("colors.csv", Colors);
        var environment = new CliEnvironment(Folder, new Dictionary<string, string?>());

        WriteFile(".env", "SOM_HEIGHT=tall\n");
        var fromDotEnv = await CliRun.InvokeAsync(environment, "train", "--data", data);
        WriteFile(".env", "");
        WriteFile("appsettings.json", """{ "SOM_ITERATIONS": 0 }""");
        var fromJson = await CliRun.InvokeAsync(environment, "train", "--data", data);
        WriteFile("appsettings.json", """{ "SOM_ITERATIONS": 5, """);
        var brokenJson = await CliRun.InvokeAsync(environment, "train", "--data", data);

        Assert.Equal((2, "error: setting SOM_HEIGHT (from .env) is 'tall'; allowed: 1..65536.\n"), (fromDotEnv.ExitCode, fromDotEnv.Error));
        Assert.Equal((2, "error: setting SOM_ITERATIONS (from appsettings.json) is '0'; allowed: 1..100000000.\n"), (fromJson.ExitCode, fromJson.Error));
        Assert.Equal(2, brokenJson.ExitCode);
        Assert.StartsWith($"error: {PathOf("appsettings.json")}: not valid JSON settings", brokenJson.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDeployExampleDocumentsEverySetting()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Kohonen.slnx")))
        {
            folder = folder.Parent;
        }

        Assert.NotNull(folder);
        var example = File.ReadAllText(Path.Combine(folder.FullName, "deploy", ".env.example"));
        Assert.All(KohonenSettings.All, s => Assert.Matches($"(?m)^#? ?{s.Name}=", example));
    }
}
