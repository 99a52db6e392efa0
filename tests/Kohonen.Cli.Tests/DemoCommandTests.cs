using System.Text.Json;

namespace Kohonen.Cli.Tests;

public class DemoCommandTests : ScratchFolder
{
    [Fact]
    public async Task DemoColorsTrainsOnRandomColoursAndReportsItsFigures()
    {
        var model = PathOf("colors.som");

        var run = await CliRun.InvokeAsync("demo", "colors", "--colors", "8", "--width", "12", "--height", "10", "--iterations", "40", "--seed", "5", "--json", "--out", model);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal("demo colors", root.GetProperty("command").GetString());
        Assert.Equal((12, 10, 3, 8, 40, 5), (root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(), root.GetProperty("dim").GetInt32(),
            root.GetProperty("rows").GetInt32(), root.GetProperty("iterations").GetInt32(), root.GetProperty("seed").GetInt32()));

        // The saved map, measured again on the same colours, gives the reported error.
        var loaded = SomFile.Load(model);
        Assert.Equal(["red", "green", "blue"], loaded.FeatureNames);
        Assert.Equal(loaded.QuantizationError(Kohonen.SampleData.RandomColors(8, 5)), root.GetProperty("quantization_error").GetDouble(), 12);
    }

    [Fact]
    public async Task AZeroColourDemoIsRefused()
    {
        var run = await CliRun.InvokeAsync("demo", "colors", "--colors", "0", "--out", PathOf("c.som"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --colors must be in 1..100000; got 0.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomColoursAreInTheUnitCubeAndRepeatWithTheSeed()
    {
        var a = Kohonen.SampleData.RandomColors(20, 3);

        Assert.Equal(a.Values.ToArray(), Kohonen.SampleData.RandomColors(20, 3).Values.ToArray());
        Assert.NotEqual(a.Values.ToArray(), Kohonen.SampleData.RandomColors(20, 4).Values.ToArray());
        Assert.All(a.Values.ToArray(), v => Assert.InRange(v, 0f, 1f));
    }
}
