using System.Security.Cryptography;
using System.Text.Json;
using Kohonen.Cli.Settings;
using Microsoft.Data.Sqlite;

namespace Kohonen.Cli.Tests;

/// <summary><c>kohonen train</c> with <c>--sigma-end</c>, <c>--learning-rate-end</c>, <c>--init-from</c>
/// and <c>--continue</c>, end to end.</summary>
public class TrainStartCommandTests : ScratchFolder
{
    private CliEnvironment Environment(params (string Name, string Value)[] settings)
    {
        var variables = new Dictionary<string, string?> { ["KOHONEN_DATA"] = PathOf("store") };
        foreach (var (name, value) in settings)
        {
            variables[name] = value;
        }

        return new(Folder, variables);
    }

    private string Data(string name, int rows, int seed, float shift = 0)
    {
        var path = PathOf(name);
        var random = new Random(seed);
        NpyFile.Write(path, DataMatrix.FromRows([.. Enumerable.Range(0, rows).Select(_ => new[] { (float)random.NextDouble() + shift, (float)random.NextDouble(), (float)random.NextDouble() * 2 })]));
        return path;
    }

    private async Task<CliRun> Train(CliEnvironment environment, params string[] args)
    {
        var run = await CliRun.InvokeAsync(environment, ["train", "--quiet", "--no-plots", .. args]);
        return run;
    }

    private async Task<CliRun> TrainOk(params string[] args)
    {
        var run = await Train(Environment(), args);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    [Fact]
    public async Task TheEndFlagsAndSettingsReachTheModelAndItsSchedule()
    {
        var data = Data("x.npy", 40, 1);

        await TrainOk("--data", data, "--width", "5", "--height", "4", "--iterations", "6", "--sigma", "2", "--sigma-end", "0.5",
            "--learning-rate", "0.4", "--learning-rate-end", "0.1", "--decay", "linear", "--seed", "3", "--no-track", "--out", PathOf("flags.som"));
        var fromSettings = await Train(Environment(("SOM_SIGMA_END", "0.75"), ("SOM_LEARNING_RATE_END", "0.02")),
            "--data", data, "--width", "5", "--height", "4", "--iterations", "6", "--seed", "3", "--no-track", "--out", PathOf("settings.som"));

        Assert.True(fromSettings.ExitCode == 0, fromSettings.ToString());
        var flags = SomFile.Load(PathOf("flags.som")).Options!;
        Assert.Equal((0.5, 0.1), (flags.SigmaEnd!.Value, flags.LearningRateEnd!.Value));
        Assert.Equal(0.5, flags.FinalSigma);
        Assert.Equal(0.1, flags.FinalLearningRate);
        var settings = SomFile.Load(PathOf("settings.som")).Options!;
        Assert.Equal((0.75, 0.02), (settings.SigmaEnd!.Value, settings.LearningRateEnd!.Value));
    }

    [Theory]
    [InlineData("--sigma-end", "0", "--sigma-end must be in (0, 65536]; got 0.")]
    [InlineData("--learning-rate-end", "2", "--learning-rate-end must be in (0, 1]; got 2.")]
    public async Task AnEndOutOfRangeExitsWithTwoNamingTheFlag(string flag, string value, string message)
    {
        var run = await Train(Environment(), "--data", Data("x.npy", 10, 1), flag, value, "--no-track", "--out", PathOf("m.som"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANpyCodebookGivesTheSameModelBytesAsTheLibrary()
    {
        var data = Data("x.npy", 120, 2);
        var start = new float[6 * 5 * 3];
        var random = new Random(9);
        for (var i = 0; i < start.Length; i++)
        {
            start[i] = (float)random.NextDouble();
        }

        var startPath = PathOf("start.npy");
        NpyFile.Write(startPath, DataMatrix.FromRows([.. start.Chunk(3)]));

        await TrainOk("--data", data, "--width", "6", "--height", "5", "--epochs", "9", "--sigma", "3", "--sigma-end", "1", "--decay", "linear",
            "--init-from", startPath, "--seed", "5", "--no-track", "--out", PathOf("cli.som"));

        var options = new SomOptions
        {
            Width = 6,
            Height = 5,
            Algorithm = TrainingAlgorithm.Batch,
            Iterations = 9,
            Sigma = 3,
            SigmaEnd = 1,
            SigmaDecay = Decay.Linear,
            LearningRateDecay = Decay.Linear,
            Seed = 5,
        };
        var library = new SomTrainer(options).Fit(DataSource.FromMatrix(NpyFile.Read(data)), start);
        // kohonen train keeps each node's hits on the training rows in the file.
        Assert.Equal(SomFile.ToBytes(library.WithHits(NpyFile.Read(data))), File.ReadAllBytes(PathOf("cli.som")));
        Assert.Equal(Initialization.Given, library.Options!.Initialization);
    }

    [Fact]
    public async Task InitFromRefusesWhatDoesNotFitNamingTheDifference()
    {
        var data = Data("x.npy", 20, 1);
        await TrainOk("--data", data, "--width", "4", "--height", "3", "--iterations", "3", "--seed", "1", "--no-track", "--out", PathOf("m.som"));
        NpyFile.Write(PathOf("wide.npy"), DataMatrix.FromRows([.. new float[12 * 2].Chunk(2)]));
        WriteFile("cb.txt", "1,2,3\n");

        async Task Refused(string message, params string[] args)
        {
            var run = await Train(Environment(), ["--data", data, "--no-track", "--out", PathOf("n.som"), .. args]);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains(message, run.Error, StringComparison.Ordinal);
        }

        await Refused($"--init-from: the model {PathOf("m.som")} is a 4×3 rectangular map; this training's is 5×3 rectangular. Without --width, --height, --topology and --toroidal a training takes the model's grid.",
            "--init-from", PathOf("m.som"), "--width", "5", "--height", "3");
        var taken = await Train(Environment(), "--data", data, "--no-track", "--out", PathOf("taken.som"), "--init-from", PathOf("m.som"));
        Assert.True(taken.ExitCode == 0, taken.ToString());
        Assert.Equal((4, 3), (SomFile.Load(PathOf("taken.som")).Width, SomFile.Load(PathOf("taken.som")).Height));
        await Refused($"{PathOf("wide.npy")}: the codebook has shape (12, 2); a 4×3 map of 3 features needs (3, 4, 3) as [height, width, features] or (12, 3) as [nodes, features].",
            "--init-from", PathOf("wide.npy"), "--width", "4", "--height", "3");
        await Refused($"--init-from takes a model (.som) or a codebook (.npy); '{PathOf("cb.txt")}' is neither.", "--init-from", PathOf("cb.txt"));
        await Refused($"--init-from: the file '{PathOf("none.npy")}' does not exist.", "--init-from", PathOf("none.npy"));
        await Refused("--init and --init-from: give one", "--init-from", PathOf("m.som"), "--init", "pca", "--width", "4", "--height", "3");
        await Refused("--init-from and --continue: give one", "--init-from", PathOf("m.som"), "--continue", PathOf("m.som"));
        await Refused("--refit-scaler goes with --continue", "--init-from", PathOf("m.som"), "--refit-scaler");
        await Refused("--init given: the codebook is given with --init-from FILE or --continue MODEL.", "--init", "given");

        var twoColumns = PathOf("two.npy");
        NpyFile.Write(twoColumns, DataMatrix.FromRows([[0.1f, 0.2f], [0.3f, 0.4f]]));
        var features = await Train(Environment(), "--data", twoColumns, "--init-from", PathOf("m.som"), "--width", "4", "--height", "3", "--no-track", "--out", PathOf("n.som"));
        Assert.Equal(2, features.ExitCode);
        Assert.Contains($"--init-from: the model {PathOf("m.som")} has 3 features (x0, x1, x2); the data has 2 (x0, x1). Choose them with --columns.", features.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("n.som")));
    }

    [Fact]
    public async Task ContinueKeepsTheScalerHoldsTheFinalScheduleAndNamesItsParentFile()
    {
        var first = Data("a.npy", 60, 1);
        var second = Data("b.npy", 60, 2, shift: 3);
        await TrainOk("--data", first, "--width", "5", "--height", "4", "--epochs", "8", "--scale", "zscore", "--seed", "2", "--no-track", "--out", PathOf("a.som"));

        var run = await TrainOk("--data", second, "--continue", PathOf("a.som"), "--seed", "2", "--json", "--out", PathOf("b.som"));

        var parent = SomFile.Load(PathOf("a.som"));
        var child = SomFile.Load(PathOf("b.som"));
        Assert.Equal(parent.Scaler!.Offset.ToArray(), child.Scaler!.Offset.ToArray());
        Assert.Equal(parent.Scaler.Factor.ToArray(), child.Scaler.Factor.ToArray());
        var o = child.Options!;
        Assert.Equal((TrainingAlgorithm.Batch, 8, Initialization.Given, Scaling.ZScore), (o.Algorithm, o.Iterations, o.Initialization, o.Scaling));
        Assert.Equal(parent.Options!.FinalSigma, o.Sigma);
        Assert.Equal(parent.Options.FinalSigma, o.SigmaEnd);
        Assert.Equal(Decay.Linear, o.SigmaDecay);

        var runId = JsonDocument.Parse(run.Out).RootElement.GetProperty("run_id").GetString()!;
        var store = Kohonen.Tracking.SqliteTrackingStore.Open(PathOf("store"));
        var recorded = await store.GetRunAsync(runId, TestContext.Current.CancellationToken);
        Assert.Equal("a.som", recorded.Tags["parent_model_file"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(PathOf("a.som")))), recorded.Tags["parent_model_sha256"]);
        Assert.Equal("given", recorded.Params["initialization"]);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ContinuingMakesTheSegmentsAgainAndSaysTheLabelsAreNotCarriedOver()
    {
        var csv = new System.Text.StringBuilder("a,b,kind\n");
        var random = new Random(4);
        for (var i = 0; i < 40; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{(i % 2) * 5 + random.NextDouble():0.###},{random.NextDouble():0.###},{(i % 2 == 0 ? "low" : "high")}\n");
        }

        File.WriteAllText(PathOf("k.csv"), csv.ToString());
        await TrainOk("--data", PathOf("k.csv"), "--label-column", "kind", "--clusters", "3", "--cluster-method", "ward",
            "--width", "5", "--height", "4", "--iterations", "5", "--seed", "2", "--no-track", "--out", PathOf("a.som"));

        var run = await TrainOk("--data", PathOf("k.csv"), "--columns", "a,b", "--continue", PathOf("a.som"), "--seed", "2", "--no-track", "--out", PathOf("b.som"));

        var continued = SomFile.Load(PathOf("b.som"));
        Assert.Null(continued.Labels);
        Assert.Equal((3, SegmentMethod.Ward), (continued.Segments!.Count, continued.Segments.Method));
        Assert.Contains("The model's node labels (2 classes) are not carried over: continued training moves the nodes. Give --label-column to label them from --data.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContinuingAnOnlineMapHoldsItsFinalSigmaAndLearningRate()
    {
        var data = Data("a.npy", 40, 1);
        // Linear from σ 3 to 1 and α 0.5 to 0.1 over 5 iterations: the last iteration's are the ends.
        await TrainOk("--data", data, "--width", "5", "--height", "4", "--iterations", "5", "--sigma", "3", "--sigma-end", "1",
            "--learning-rate", "0.5", "--learning-rate-end", "0.1", "--decay", "linear", "--seed", "2", "--no-track", "--out", PathOf("a.som"));

        await TrainOk("--data", Data("b.npy", 40, 2), "--continue", PathOf("a.som"), "--seed", "2", "--no-track", "--out", PathOf("b.som"));

        var o = SomFile.Load(PathOf("b.som")).Options!;
        Assert.Equal((TrainingAlgorithm.Online, 5), (o.Algorithm, o.Iterations));
        Assert.Equal((1.0, 1.0, 0.1, 0.1), (o.Sigma!.Value, o.SigmaEnd!.Value, o.LearningRate, o.LearningRateEnd!.Value));
        Assert.Equal((Decay.Linear, Decay.Linear), (o.SigmaDecay, o.LearningRateDecay));
    }

    [Fact]
    public async Task ContinueFromARunRecordsTheParentRunAndRefitScalerFitsTheNewRows()
    {
        var first = Data("a.npy", 60, 1);
        var second = Data("b.npy", 60, 2, shift: 3);
        var parent = JsonDocument.Parse((await TrainOk("--data", first, "--width", "4", "--height", "4", "--epochs", "5", "--scale", "minmax", "--seed", "2", "--json")).Out)
            .RootElement.GetProperty("run_id").GetString()!;

        var child = await TrainOk("--data", second, "--continue", parent[..8], "--refit-scaler", "--epochs", "3", "--sigma", "1.5", "--sigma-end", "0.5", "--json", "--out", PathOf("c.som"));

        var model = SomFile.Load(PathOf("c.som"));
        Assert.Equal(FeatureScaler.Fit(NpyFile.Read(second), Scaling.MinMax)!.Offset.ToArray(), model.Scaler!.Offset.ToArray());
        Assert.Equal((3, 1.5, 0.5), (model.Options!.Iterations, model.Options.Sigma!.Value, model.Options.SigmaEnd!.Value));
        var runId = JsonDocument.Parse(child.Out).RootElement.GetProperty("run_id").GetString()!;
        var store = Kohonen.Tracking.SqliteTrackingStore.Open(PathOf("store"));
        Assert.Equal(parent, (await store.GetRunAsync(runId, TestContext.Current.CancellationToken)).Tags["parent_run_id"]);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ContinueStreamingTheNewRowsGivesTheSameModelAsReadingThemWhole()
    {
        var first = Data("a.npy", 50, 1);
        var second = Data("b.npy", 70, 2, shift: 1);
        await TrainOk("--data", first, "--width", "4", "--height", "4", "--epochs", "6", "--scale", "minmax", "--seed", "2", "--no-track", "--out", PathOf("a.som"));

        await TrainOk("--data", second, "--continue", PathOf("a.som"), "--epochs", "4", "--sigma-end", "0.8", "--seed", "4", "--no-track", "--out", PathOf("whole.som"));
        await TrainOk("--data", second, "--continue", PathOf("a.som"), "--epochs", "4", "--sigma-end", "0.8", "--seed", "4", "--batch-size", "16", "--no-track", "--out", PathOf("streamed.som"));

        Assert.Equal(File.ReadAllBytes(PathOf("whole.som")), File.ReadAllBytes(PathOf("streamed.som")));
        Assert.Equal(0.8, SomFile.Load(PathOf("whole.som")).Options!.FinalSigma);
    }

    private string Colors(string name, int rows, int seed, params string[] colors)
    {
        var random = new Random(seed);
        return WriteFile(name, "a,b,color\n" + string.Concat(Enumerable.Range(0, rows).Select(_ =>
            FormattableString.Invariant($"{random.NextDouble():F3},{random.NextDouble():F3},{colors[random.Next(colors.Length)]}\n"))));
    }

    [Fact]
    public async Task ContinueEncodesTheNewRowsWithTheModelsEncoder()
    {
        var first = Colors("a.csv", 60, 1, "red", "green", "blue");
        // Two of the three colours, and one the model never saw (a missing category).
        var second = Colors("b.csv", 40, 2, "red", "green", "purple");
        await TrainOk("--data", first, "--categorical", "color", "--feature-weight", "a=2", "--width", "4", "--height", "3", "--epochs", "5", "--seed", "1", "--no-track", "--out", PathOf("a.som"));

        // Not quiet: the unseen category is warned of.
        var run = await CliRun.InvokeAsync(Environment(), ["train", "--data", second, "--continue", PathOf("a.som"), "--seed", "1", "--no-track", "--no-plots", "--out", PathOf("b.som")]);
        await TrainOk("--data", second, "--continue", PathOf("a.som"), "--seed", "1", "--batch-size", "7", "--no-track", "--out", PathOf("streamed.som"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("hold a category the model did not learn, treated as missing", run.Error, StringComparison.Ordinal);
        var parent = SomFile.Load(PathOf("a.som"));
        var child = SomFile.Load(PathOf("b.som"));
        Assert.Equal(["a", "b", "color = blue", "color = green", "color = red"], child.FeatureNames);
        Assert.Equal(parent.Encoder!.Categories, child.Encoder!.Categories);
        Assert.Equal([2.0, 1.0, 1.0], child.Encoder.Weights);
        Assert.Equal(parent.Scaler!.Factor.ToArray(), child.Scaler!.Factor.ToArray());
        Assert.Equal(File.ReadAllBytes(PathOf("b.som")), File.ReadAllBytes(PathOf("streamed.som")));

        var refused = await Train(Environment(), "--data", second, "--continue", PathOf("a.som"), "--categorical", "color", "--no-track", "--out", PathOf("c.som"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--continue keeps the model's encoding (its categorical columns and feature weights); --categorical, --categorical-weight and --feature-weight go with --refit-scaler.", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContinueRefusesAnotherGridAScaleWithoutRefitAndNoData()
    {
        var data = Data("a.npy", 30, 1);
        await TrainOk("--data", data, "--width", "4", "--height", "3", "--iterations", "3", "--seed", "1", "--no-track", "--out", PathOf("m.som"));

        async Task Refused(string message, params string[] args)
        {
            var run = await Train(Environment(), ["--no-track", "--out", PathOf("n.som"), .. args]);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains(message, run.Error, StringComparison.Ordinal);
        }

        await Refused("--continue keeps the model's grid (4×3 rectangular); --width 5, --toroidal differs.", "--data", data, "--continue", PathOf("m.som"), "--width", "5", "--toroidal");
        await Refused("--continue keeps the model's scaler; --scale goes with --refit-scaler.", "--data", data, "--continue", PathOf("m.som"), "--scale", "zscore");
        await Refused("--continue trains the model further on --data FILE: give it.", "--continue", PathOf("m.som"));
        await Refused("--continue: 'nothing-here' is neither a model file nor a run id", "--data", data, "--continue", "nothing-here");
        await Refused("--supervised trains an extra label layer", "--data", data, "--continue", PathOf("m.som"), "--supervised", "--label-column", "x");
    }
}
