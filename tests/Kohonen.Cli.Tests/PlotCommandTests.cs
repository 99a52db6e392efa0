using System.Text.Json;
using SkiaSharp;

namespace Kohonen.Cli.Tests;

public class PlotCommandTests : ScratchFolder
{
    private const string Flowers =
        "length,width,kind\n1,0.2,a\n1.2,0.3,a\n0.9,0.25,a\n4,1.5,b\n4.2,1.4,b\n3.9,1.6,b\n6,2.2,c\n6.1,2.0,c\n5.8,2.3,c\n";

    private static SKBitmap Picture(string path) => SKBitmap.Decode(path) ?? throw new InvalidOperationException($"{path} is not a PNG");

    [Fact]
    public async Task DemoColorsWritesTheColoursAndTheMapAsOnePicture()
    {
        var run = await CliRun.InvokeAsync("demo", "colors", "--colors", "4", "--width", "20", "--height", "20", "--iterations", "10", "--seed", "1", "--out", PathOf("c.som"), "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal([PathOf("c.png")], json.RootElement.GetProperty("pictures").EnumerateArray().Select(e => e.GetString()));
        using var bitmap = Picture(PathOf("c.png"));
        Assert.Equal((400, 420), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task TrainWritesTheUMatrixPlanesAndCurveBesideTheModelUnlessAskedNotTo()
    {
        var data = WriteFile("flowers.csv", Flowers);

        var run = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "kind", "--width", "6", "--height", "5", "--iterations", "40", "--seed", "2", "--out", PathOf("f.som"), "--quiet");
        var bare = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "kind", "--width", "6", "--height", "5", "--iterations", "40", "--seed", "2", "--out", PathOf("g.som"), "--quiet", "--no-plots");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var kind in new[] { "umatrix", "planes", "curve" })
        {
            using var bitmap = Picture(PathOf($"f.{kind}.png"));
            Assert.Equal(640, bitmap.Width);
            Assert.Contains(PathOf($"f.{kind}.png"), run.Out, StringComparison.Ordinal);
        }

        Assert.True(bare.ExitCode == 0, bare.ToString());
        Assert.Equal([PathOf("f.curve.png"), PathOf("f.hits.png"), PathOf("f.labels.png"), PathOf("f.planes.png"), PathOf("f.som"), PathOf("f.umatrix.png"), PathOf("flowers.csv"), PathOf("g.som")],
            Directory.GetFiles(Folder).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("rgb")]
    [InlineData("umatrix")]
    [InlineData("planes")]
    [InlineData("hits")]
    [InlineData("labels")]
    [InlineData("curve")]
    public async Task PlotDrawsEveryKindAtTheAskedWidth(string kind)
    {
        var data = WriteFile("flowers.csv", Flowers);
        var trained = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "kind", "--width", "6", "--height", "5", "--topology", "hexagonal",
            "--iterations", "40", "--seed", "2", "--out", PathOf("f.som"), "--quiet", "--no-plots");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        if (kind == "curve")
        {
            // Trained with --no-plots: no history to draw, said plainly.
            var none = await CliRun.InvokeAsync("plot", "--model", PathOf("f.som"), "--kind", "curve");
            Assert.Equal(2, none.ExitCode);
            Assert.Contains("has no training history", none.Error, StringComparison.Ordinal);
            Assert.Equal(0, (await CliRun.InvokeAsync("train", "--data", data, "--label-column", "kind", "--width", "6", "--height", "5", "--iterations", "40", "--out", PathOf("f.som"), "--quiet")).ExitCode);
        }

        string[] extra = kind switch
        {
            "rgb" => ["--features", "0", "1", "0"],
            "hits" => ["--data", data],
            "labels" => ["--data", data, "--labels", "kind"],
            _ => [],
        };

        var run = await CliRun.InvokeAsync(["plot", "--model", PathOf("f.som"), "--kind", kind, "--width", "300", "--out", PathOf("p.png"), .. extra]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(PathOf("p.png") + "\n", run.Out);
        using var bitmap = Picture(PathOf("p.png"));
        Assert.Equal(300, bitmap.Width);
    }

    [Theory]
    [InlineData(new[] { "--kind", "pie" }, "error: --kind: unknown value 'pie'; allowed: rgb, umatrix, planes, hits, labels, segments, curve.")]
    [InlineData(new[] { "--kind", "hits" }, "error: --kind hits needs --data, the rows to place on the map.")]
    [InlineData(new[] { "--kind", "labels", "--data", "DATA" }, "error: --kind labels with --data needs --labels, the CSV column that holds the labels; without --data it draws the labels the model keeps.")]
    [InlineData(new[] { "--kind", "umatrix", "--width", "20" }, "error: --width must be in 120..8000 pixels; got 20.")]
    [InlineData(new[] { "--kind", "rgb" }, "error: --kind rgb: the map has 2 features; choose three of them (0..1) for red, green and blue with --features, e.g. --features 0 1 2.")]
    public async Task PlotRefusesWhatItCannotDraw(string[] args, string message)
    {
        var data = WriteFile("flowers.csv", Flowers);
        Assert.Equal(0, (await CliRun.InvokeAsync("train", "--data", data, "--label-column", "kind", "--width", "4", "--height", "4", "--iterations", "5", "--out", PathOf("f.som"), "--quiet", "--no-plots")).ExitCode);

        var run = await CliRun.InvokeAsync(["plot", "--model", PathOf("f.som"), .. args.Select(a => a == "DATA" ? data : a)]);

        Assert.Equal(2, run.ExitCode);
        // The message is the whole first line (parse errors add a pointer to --help after it).
        Assert.Equal(message, run.Error.Split('\n')[0]);
    }
}
