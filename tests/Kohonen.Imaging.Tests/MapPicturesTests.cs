using SkiaSharp;

namespace Kohonen.Imaging.Tests;

public class MapPicturesTests
{
    /// <summary>A map whose node k (k &lt; 128) has its own colour <see cref="ColourOf"/>, given as
    /// weights c/255 in [0, 1].</summary>
    private static SomModel DistinctColours(Grid grid)
    {
        var weights = new float[grid.NodeCount * 3];
        for (var k = 0; k < grid.NodeCount; k++)
        {
            var c = ColourOf(k);
            weights[(3 * k) + 0] = c.Red / 255f;
            weights[(3 * k) + 1] = c.Green / 255f;
            weights[(3 * k) + 2] = c.Blue / 255f;
        }

        return SomModel.Create(grid, weights, 3, ["red", "green", "blue"]);
    }

    /// <summary>(2k, 255 − 2k, 37k mod 256): distinct for k &lt; 128 (the red channel alone is).</summary>
    private static SKColor ColourOf(int k) => new((byte)(2 * k), (byte)(255 - (2 * k)), (byte)(37 * k % 256));

    [Theory]
    [InlineData(Topology.Rectangular, 4, 3)]
    [InlineData(Topology.Hexagonal, 5, 4)]
    [InlineData(Topology.Hexagonal, 3, 6)]
    public void RgbMapCellsCarryTheCodebookColoursWhereTheGridPutsTheNodes(Topology topology, int width, int height)
    {
        var grid = new Grid(width, height, topology);
        var bitmap = Png.Decode(MapPictures.RgbMap(DistinctColours(grid), new PictureOptions { Width = 500 }));
        var colours = Enumerable.Range(0, grid.NodeCount).Select(ColourOf).ToHashSet();

        // The map's extent in grid units: cells are 1 wide; hexagonal rows are √3/2 apart, odd rows
        // offset by ½, and a pointy-top cell reaches 1/√3 above and below its centre.
        var hex = topology == Topology.Hexagonal;
        var unitsWide = hex ? width + 0.5 : width;
        var unitsHigh = hex ? ((height - 1) * Math.Sqrt(3) / 2) + (2 / Math.Sqrt(3)) : height;
        var bounds = Png.BoundsOf(bitmap, colours);
        var unit = bounds.Width / unitsWide;
        Assert.Equal(unitsHigh * unit, bounds.Height, 2.0);

        for (var k = 0; k < grid.NodeCount; k++)
        {
            var (px, py) = grid.PositionOf(k);
            var cx = bounds.Left + ((px + 0.5) * unit);
            var cy = bounds.Top + ((py + (hex ? 1 / Math.Sqrt(3) : 0.5)) * unit);
            Assert.Equal(ColourOf(k), bitmap.GetPixel((int)cx, (int)cy));
        }
    }

    [Fact]
    public void ColorDemoPutsTheInputStripOnTopOfTheMap()
    {
        var model = DistinctColours(new Grid(10, 10));
        var colors = new DataMatrix([1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f, 1f, 1f, 0f], 4, 3);

        var bitmap = Png.Decode(MapPictures.ColorDemo(model, colors));

        Assert.Equal((400, 420), (bitmap.Width, bitmap.Height));
        SKColor[] strip = [new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(255, 255, 0)];
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(strip[i], bitmap.GetPixel((i * 100) + 50, 10));
        }

        // 10×10 cells of 40 pixels below the 20-pixel strip.
        Assert.Equal(ColourOf(0), bitmap.GetPixel(20, 40));
        Assert.Equal(ColourOf(9), bitmap.GetPixel(380, 40));
        Assert.Equal(ColourOf(90), bitmap.GetPixel(20, 400));
    }

    [Fact]
    public void ColoursOutsideZeroToOneAreStretchedPerFeature()
    {
        // Feature values 10..40: the smallest becomes 0, the largest 255.
        var model = SomModel.Create(new Grid(2, 1), [10f, 10f, 10f, 40f, 40f, 40f], 3);

        var colours = MapPictures.NodeColors(model, null, out _);

        Assert.Equal([new SKColor(0, 0, 0), new SKColor(255, 255, 255)], colours);
    }

    [Fact]
    public void HitMapColoursRunFromTheFewestToTheMostHits()
    {
        var model = SomModel.Create(new Grid(3, 1), [0f, 1f, 2f], 1);
        var data = DataMatrix.FromRows([[0f], [0f], [0f], [1f]]);

        // Small cells: no count labels over the centres.
        var bitmap = Png.Decode(MapPictures.HitMap(model, data, new PictureOptions { Width = 160 }));
        var viridisLow = new SKColor(0x44, 0x01, 0x54);
        var viridisHigh = new SKColor(0xfd, 0xe7, 0x25);
        var bounds = Png.BoundsOf(bitmap, new HashSet<SKColor> { viridisLow, viridisHigh });

        // Node 0 has 3 hits (the most), node 2 none (the fewest).
        Assert.Equal(viridisHigh, bitmap.GetPixel(bounds.Left + 3, bounds.MidY));
        Assert.Equal(viridisLow, bitmap.GetPixel(bounds.Right - 3, bounds.MidY));
    }

    [Fact]
    public void LabelMapColoursNodesByTheirMajorityLabelAndLeavesEmptyNodesGrey()
    {
        var model = SomModel.Create(new Grid(3, 1), [0f, 1f, 2f], 1);
        var data = DataMatrix.FromRows([[0f], [0f], [1f], [0.1f]]);

        var bitmap = Png.Decode(MapPictures.LabelMap(model, data, ["cat", "cat", "dog", "cat"]));
        // "cat" is the most frequent label: the first category colour; "dog" the second.
        var cat = new SKColor(0x1f, 0x77, 0xb4);
        var dog = new SKColor(0xff, 0x7f, 0x0e);
        var grey = new SKColor(0xe4, 0xe4, 0xe4);
        // The map is the first run of non-white pixels from the left (the legend's squares, of the
        // same colours, come after a white gap).
        var cells = Png.FirstRun(bitmap);
        var cell = cells.Width / 3;

        Assert.Equal(cat, bitmap.GetPixel(cells.Left + (cell / 2), cells.MidY));
        Assert.Equal(dog, bitmap.GetPixel(cells.Left + (3 * cell / 2), cells.MidY));
        Assert.Equal(grey, bitmap.GetPixel(cells.Left + (5 * cell / 2), cells.MidY));
        // The legend's text sits to the right of the map.
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(cells.Right + 20, cells.Top, bitmap.Width, cells.Top + 80)) > 40);
    }

    [Fact]
    public void TitlesAndColourBarLabelsAreDrawnWithTheShippedFonts()
    {
        var model = DistinctColours(new Grid(6, 6));

        var bitmap = Png.Decode(MapPictures.UMatrix(model, new PictureOptions { Width = 500 }));

        // The title band (top 40 pixels) holds dark glyph pixels, as does the strip of tick labels at
        // the right edge.
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(0, 0, bitmap.Width, 40)) > 200, "title text");
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(bitmap.Width - 60, 50, bitmap.Width, bitmap.Height)) > 30, "colour bar labels");
        Assert.Equal("DejaVu Sans", PictureFonts.Regular.FamilyName);
        Assert.True(PictureFonts.Bold.IsBold);
    }

    [Fact]
    public void PicturesHaveTheAskedWidthAndTheSameInputGivesTheSameBytes()
    {
        var model = new SomTrainer(new SomOptions { Width = 8, Height = 6, Iterations = 20, Seed = 1, MetricsEvery = 2 })
            .Fit(DataMatrix.FromRows([[0f, 1f, 2f, 3f], [1f, 0f, 3f, 2f], [2f, 2f, 0f, 1f], [3f, 1f, 1f, 0f]]));
        var options = new PictureOptions { Width = 333 };

        foreach (var draw in new Func<byte[]>[]
        {
            () => MapPictures.UMatrix(model, options),
            () => MapPictures.ComponentPlanes(model, options),
            () => MapPictures.RgbMap(model, options, [0, 1, 3]),
            () => MapPictures.TrainingCurve(model.History, options),
        })
        {
            var first = draw();
            Assert.Equal(333, Png.Decode(first).Width);
            Assert.Equal(first, draw());
        }

        Assert.Equal(200, Png.Decode(MapPictures.TrainingCurve(model.History, options)).Height);
    }

    [Fact]
    public void ComponentPlanesShowEveryFeatureFromItsLowestToItsHighestColour()
    {
        var model = SomModel.Create(new Grid(4, 4), [.. Enumerable.Range(0, 16).SelectMany(k => new[] { (float)k, 15f - k })], 2, ["up", "down"]);

        var bitmap = Png.Decode(MapPictures.ComponentPlanes(model, new PictureOptions { Width = 600 }));
        var low = new SKColor(0x44, 0x01, 0x54);
        var high = new SKColor(0xfd, 0xe7, 0x25);

        // Two panels side by side: each holds a lowest and a highest cell of its own.
        foreach (var half in new[] { new SKRectI(0, 0, 300, bitmap.Height), new SKRectI(300, 0, 600, bitmap.Height) })
        {
            var found = new HashSet<SKColor>();
            for (var y = half.Top; y < half.Bottom; y++)
            {
                for (var x = half.Left; x < half.Right; x++)
                {
                    found.Add(bitmap.GetPixel(x, y));
                }
            }

            Assert.Contains(low, found);
            Assert.Contains(high, found);
        }
    }

    [Fact]
    public void ALongTitleShrinksToFitInsideThePicture()
    {
        var model = DistinctColours(new Grid(4, 3));
        var options = new PictureOptions { Width = 200, Title = "A title far too long to fit into two hundred pixels at eighteen points" };

        var bitmap = Png.Decode(MapPictures.RgbMap(model, options));

        Assert.True(Png.DarkPixels(bitmap, new SKRectI(0, 0, 200, 40)) > 50, "the title is drawn");
        Assert.Equal(0, Png.DarkPixels(bitmap, new SKRectI(0, 0, 6, 40)));
        Assert.Equal(0, Png.DarkPixels(bitmap, new SKRectI(194, 0, 200, 40)));
    }

    [Fact]
    public void BadRequestsAreRefusedWithAReason()
    {
        var four = SomModel.Create(new Grid(2, 1), new float[8], 4);

        Assert.Contains("choose three", Assert.Throws<ArgumentException>(() => MapPictures.RgbMap(four)).Message, StringComparison.Ordinal);
        Assert.Contains("no training history", Assert.Throws<ArgumentException>(() => MapPictures.TrainingCurve([])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PictureOptions { Width = 50 });
    }
}
