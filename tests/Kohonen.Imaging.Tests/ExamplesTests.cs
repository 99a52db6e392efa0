using System.Globalization;
using System.Text.RegularExpressions;

namespace Kohonen.Imaging.Tests;

/// <summary>Each example's Main on its shipped data (or a small generated set): it ends well, prints
/// its numbers and writes its pictures.</summary>
[Collection("Console")]
public sealed class ExamplesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-examples-").FullName;

    private static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    private static (int Exit, string Out) Run(Func<string[], int> main, params string[] args)
    {
        var saved = Console.Out;
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(writer);
        try
        {
            return (main(args), writer.ToString());
        }
        finally
        {
            Console.SetOut(saved);
        }
    }

    private static double Number(string text, string after) =>
        double.Parse(Regex.Match(text, Regex.Escape(after) + @"\s*(-?[0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void SegmentationFindsSegmentsThatFollowTheCultivars()
    {
        var (exit, output) = Run(Kohonen.Examples.Segmentation.Program.Main, Data("wine.csv"), _folder);

        Assert.Equal(0, exit);
        Assert.True(Number(output, "against the cultivars:") > 0.5, output);
        Assert.True(File.Exists(Path.Combine(_folder, "wine.segments.png")));
        Assert.True(File.Exists(Path.Combine(_folder, "wine.profile.png")));
    }

    [Fact]
    public void ImageColorsPrintsThePsnrOfBothPalettes()
    {
        var (exit, output) = Run(Kohonen.Examples.ImageColors.Program.Main, Data("china.ppm"), _folder);

        Assert.Equal(0, exit);
        Assert.InRange(Number(output, "PSNR of the map's palette:"), 18, 40);
        Assert.InRange(Number(output, "PSNR of k-means' palette:"), 18, 40);
        using var picture = Png.Decode(File.ReadAllBytes(Path.Combine(_folder, "china.quantised.png")));
        Assert.Equal((3 * 160) + 16, picture.Width);
    }

    [Fact]
    public void RecommendationsFromSegmentsBeatThePopularItems()
    {
        var (exit, output) = Run(Kohonen.Examples.Recommendations.Program.Main, "300", _folder);

        Assert.Equal(0, exit);
        Assert.True(Number(output, "segment favourites:") > Number(output, "most popular:"), output);
        Assert.True(File.Exists(Path.Combine(_folder, "users.segments.png")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
