using System.Globalization;
using System.Text.Json;

namespace Kohonen.Cli.Tests;

public class PredictAndInfoCommandTests : ScratchFolder
{
    /// <summary>A 3×2 map with hand-set weights: node (x, y) holds (x, y, 0) in features r, g, b.</summary>
    private string HandMadeModel()
    {
        var weights = new List<float>();
        for (var y = 0; y < 2; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                weights.AddRange([x, y, 0f]);
            }
        }

        var path = PathOf("hand.som");
        SomFile.Save(SomModel.Create(new Grid(3, 2), [.. weights], 3, ["r", "g", "b"]), path);
        return path;
    }

    [Fact]
    public async Task PredictRefusesAFileWhoseHeaderLacksTheModelsFeaturesNamingBoth()
    {
        // Another map's file: a text column would otherwise be read as a feature and refused as "not a number".
        var data = WriteFile("iris.csv", "sepal_length,sepal_width,species\n5.1,3.5,setosa\n");

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: the model expects 3 features (r, g, b); the header of {data} has 3 columns (sepal_length, sepal_width, species) and lacks 3 of them (r, g, b). Is it the model for this file? Choose the columns with --columns.", run.Error.Split('\n')[0]);
    }

    [Fact]
    public async Task InfoSaysWhatTheModelKeepsForPredict()
    {
        var grid = new Grid(3, 1);
        var model = SomModel.Create(grid, [0f, 1f, 2f], 1, ["v"])
            .WithLabels(new NodeLabels(grid, ["a", "b"], [3, 0, 1, 1, 0, 0]))
            .WithSegments(new NodeSegments(grid, [0, 0, 1], SegmentMethod.KMeans));
        SomFile.Save(model, PathOf("kept.som"));

        var text = await CliRun.InvokeAsync("info", "--model", PathOf("kept.som"));
        var json = JsonDocument.Parse((await CliRun.InvokeAsync("info", "--model", PathOf("kept.som"), "--json")).Out).RootElement;
        var plain = await CliRun.InvokeAsync("info", "--model", HandMadeModel());

        Assert.Contains("labels         2 classes (a, b): predict answers label and label_confidence\n", text.Out, StringComparison.Ordinal);
        Assert.Contains("segments       2 (kmeans): predict answers segment\n", text.Out, StringComparison.Ordinal);
        Assert.Contains("hits           not kept\n", text.Out, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], json.GetProperty("label_classes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, json.GetProperty("segments").GetInt32());
        Assert.Contains("labels         none\n", plain.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictPrintsBmuXYAndDistanceForEveryRowPickingTheModelsColumnsByName()
    {
        // Columns in another order, plus a text column: the model's names pick r, g, b.
        var data = WriteFile("in.csv", "name,b,g,r\nfirst,0,0,0\nsecond,0,1,2.1\nthird,4,0,1\n");

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,bmu_x,bmu_y,distance", lines[0]);
        Assert.Equal("1,0,0,0", lines[1]);
        // (2.1, 1, 0) is closest to node (2, 1), 0.1 away.
        Assert.StartsWith("2,2,1,", lines[2], StringComparison.Ordinal);
        Assert.Equal(0.1, double.Parse(lines[2].Split(',')[3], CultureInfo.InvariantCulture), 5);
        // (1, 0, 4) is closest to node (1, 0), 4 away.
        Assert.Equal("3,1,0,4", lines[3]);
    }

    [Fact]
    public async Task PredictWritesAFileWithOut()
    {
        var data = PathOf("in.npy");
        NpyFile.Write(data, DataMatrix.FromRows([[2f, 1f, 0f], [0f, 1f, 0f]]));

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--out", PathOf("bmus.csv"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("row,bmu_x,bmu_y,distance\n1,2,1,0\n2,0,1,0\n", File.ReadAllText(PathOf("bmus.csv")));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task PredictWithTheWrongNumberOfColumnsSaysWhatTheModelExpects()
    {
        var data = WriteFile("in.csv", "a,b\n1,2\n");

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: the model expects 3 features (r, g, b); the header of {data} has 2 columns (a, b) and lacks 2 of them (r, g). Is it the model for this file? Choose the columns with --columns.\n", run.Error);
    }

    [Fact]
    public async Task InfoDescribesTheModelAsJson()
    {
        var run = await CliRun.InvokeAsync("info", "--model", HandMadeModel(), "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal((3, 2, 3, 1), (root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(), root.GetProperty("dim").GetInt32(), root.GetProperty("format_version").GetInt32()));
        Assert.Equal(["r", "g", "b"], root.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("options").ValueKind);
    }

    [Fact]
    public async Task InfoOnADamagedModelExitsTwoWithTheReasonAndVerboseAddsTheStackTrace()
    {
        var bytes = File.ReadAllBytes(HandMadeModel());
        File.WriteAllBytes(PathOf("cut.som"), bytes[..(bytes.Length - 4)]);

        var plain = await CliRun.InvokeAsync("info", "--model", PathOf("cut.som"));
        var verbose = await CliRun.InvokeAsync("info", "--model", PathOf("cut.som"), "--verbose");

        Assert.Equal(2, plain.ExitCode);
        Assert.Equal($"error: {PathOf("cut.som")}: the file is truncated: the tensors need 72 bytes after the header, 68 are there.\n", plain.Error);
        Assert.Contains("at Kohonen.SomFile", verbose.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCommandOrNoCommandIsAUsageError()
    {
        var unknown = await CliRun.InvokeAsync("frobnicate");
        var none = await CliRun.InvokeAsync();

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Unrecognized command or argument 'frobnicate'", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("Run 'kohonen --help' for usage.", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpListsTheCommandsAndExitsZero()
    {
        var run = await CliRun.InvokeAsync("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "demo", "train", "predict", "info" })
        {
            Assert.Contains(command, run.Out, StringComparison.Ordinal);
        }
    }
}
