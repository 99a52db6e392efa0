using System.Globalization;
using Kohonen.Cli.Settings;

namespace Kohonen.Cli.Tests;

/// <summary><c>--distance</c> and <c>SOM_DISTANCE</c>: train records the distance, predict, evaluate
/// and info honour it, and an unknown one is refused with the allowed values.</summary>
public class DistanceCommandTests : ScratchFolder
{
    private string Data()
    {
        var random = new Random(3);
        var lines = new List<string> { "a,b,c,d" };
        for (var i = 0; i < 60; i++)
        {
            lines.Add(string.Join(',', Enumerable.Range(0, 4).Select(_ => (random.NextDouble() - 0.5).ToString("0.###", CultureInfo.InvariantCulture))));
        }

        return WriteFile("data.csv", string.Join('\n', lines) + "\n");
    }

    [Fact]
    public async Task TrainWithManhattanWritesIt_AndPredictAnswersManhattanDistances()
    {
        var data = Data();
        var model = PathOf("m.som");

        var trained = await CliRun.InvokeAsync("train", "--data", data, "--width", "4", "--height", "3", "--epochs", "5", "--seed", "1",
            "--distance", "manhattan", "--no-track", "--out", model, "--no-plots", "--quiet");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var loaded = SomFile.Load(model);
        Assert.Equal(DistanceMetric.Manhattan, loaded.Distance);

        var predicted = await CliRun.InvokeAsync("predict", "--model", model, "--data", data);
        Assert.True(predicted.ExitCode == 0, predicted.ToString());
        var lines = predicted.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = File.ReadAllLines(data).Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        for (var r = 0; r < rows.Length; r++)
        {
            // The nearest node by Σ|x − w|, the first of equals, and that distance.
            var distances = Enumerable.Range(0, 12).Select(k => Enumerable.Range(0, 4).Aggregate(0f, (s, f) => s + Math.Abs(loaded.Codebook[(k * 4) + f] - rows[r][f]))).ToArray();
            var best = Array.IndexOf(distances, distances.Min());
            // row,bmu_x,bmu_y,distance
            var cells = lines[r + 1].Split(',');
            Assert.Equal(r + 1, int.Parse(cells[0], CultureInfo.InvariantCulture));
            Assert.Equal((best % 4, best / 4), (int.Parse(cells[1], CultureInfo.InvariantCulture), int.Parse(cells[2], CultureInfo.InvariantCulture)));
            Assert.Equal(distances[best], float.Parse(cells[3], CultureInfo.InvariantCulture));
        }

        var evaluated = await CliRun.InvokeAsync("evaluate", "--model", model, "--data", data);
        Assert.True(evaluated.ExitCode == 0, evaluated.ToString());
        Assert.Contains(loaded.QuantizationError(DataMatrix.FromRows(rows)).ToString("0.######", CultureInfo.InvariantCulture), evaluated.Out, StringComparison.Ordinal);

        var info = await CliRun.InvokeAsync("info", "--model", model);
        Assert.Matches(@"(?m)^\s+distance\s+manhattan$", info.Out);
    }

    [Fact]
    public async Task SomDistanceSetsTheDistance_AndTheFlagWins()
    {
        var data = Data();
        var environment = new CliEnvironment(Folder, new Dictionary<string, string?> { ["KOHONEN_DATA"] = PathOf("store"), ["SOM_DISTANCE"] = "cosine" });

        var fromSetting = await CliRun.InvokeAsync(environment, "train", "--data", data, "--epochs", "2", "--no-track", "--out", PathOf("a.som"), "--no-plots", "--quiet");
        var fromFlag = await CliRun.InvokeAsync(environment, "train", "--data", data, "--epochs", "2", "--no-track", "--out", PathOf("b.som"), "--no-plots", "--quiet", "--distance", "euclidean");

        Assert.True(fromSetting.ExitCode == 0, fromSetting.ToString());
        Assert.True(fromFlag.ExitCode == 0, fromFlag.ToString());
        Assert.Equal(DistanceMetric.Cosine, SomFile.Load(PathOf("a.som")).Distance);
        Assert.Equal(DistanceMetric.Euclidean, SomFile.Load(PathOf("b.som")).Distance);
    }

    [Fact]
    public async Task AnUnknownDistanceIsRefusedWithTheAllowedValues()
    {
        var data = Data();

        var flag = await CliRun.InvokeAsync("train", "--data", data, "--distance", "chebyshev", "--no-track", "--out", PathOf("x.som"));
        var setting = await CliRun.InvokeAsync(new CliEnvironment(Folder, new Dictionary<string, string?> { ["SOM_DISTANCE"] = "hamming" }),
            "train", "--data", data, "--no-track", "--out", PathOf("y.som"));

        Assert.Equal(2, flag.ExitCode);
        Assert.Contains("--distance: unknown value 'chebyshev'; allowed: euclidean, manhattan, cosine.", flag.Error, StringComparison.Ordinal);
        Assert.Equal(2, setting.ExitCode);
        Assert.Contains("setting SOM_DISTANCE (from the environment) is 'hamming'; allowed: euclidean, manhattan or cosine.", setting.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("x.som")));
        Assert.False(File.Exists(PathOf("y.som")));
    }
}
