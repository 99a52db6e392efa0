using SkiaSharp;

namespace Kohonen.Imaging.Tests;

/// <summary>Pictures of what a map keeps (labels, segments), segment profiles and many planes.</summary>
public class KeptPicturesTests
{
    private static readonly SKColor First = new(0x1f, 0x77, 0xb4);
    private static readonly SKColor Second = new(0xff, 0x7f, 0x0e);
    private static readonly SKColor Third = new(0x2c, 0xa0, 0x2c);

    [Fact]
    public void KeptLabelsAreColouredInNaturalOrderAndBorrowedNodesArePaler()
    {
        // Classes "10", "9", "a": natural order 9, 10, a. Node 0 holds "10", node 1 "9", node 2 "a",
        // node 3 nothing (borrows "a" from node 2).
        var grid = new Grid(4, 1);
        var model = SomModel.Create(grid, [0f, 1f, 2f, 3f], 1)
            .WithLabels(new NodeLabels(grid, ["10", "9", "a"], [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]));

        var bitmap = Png.Decode(MapPictures.LabelMap(model, new PictureOptions { Width = 600 }));
        var cells = Png.FirstRun(bitmap);
        var cell = cells.Width / 4;

        Assert.Equal(Second, bitmap.GetPixel(cells.Left + (cell / 2), cells.MidY));
        Assert.Equal(First, bitmap.GetPixel(cells.Left + (3 * cell / 2), cells.MidY));
        Assert.Equal(Third, bitmap.GetPixel(cells.Left + (5 * cell / 2), cells.MidY));
        var pale = bitmap.GetPixel(cells.Left + (7 * cell / 2), cells.MidY);
        Assert.True(pale.Green > Third.Green && pale.Red > Third.Red && pale.Blue > Third.Blue, $"paler than {Third}: {pale}");
        Assert.Equal(600, bitmap.Width);
    }

    [Fact]
    public void AManyLabelLegendIsWholeAndKeepsTheWidth()
    {
        var grid = new Grid(5, 5);
        var classes = Enumerable.Range(0, 25).Select(i => $"a rather long class name number {i}").ToList();
        var weights = new float[25 * 25];
        for (var i = 0; i < 25; i++)
        {
            weights[(i * 25) + i] = 1;
        }

        var model = SomModel.Create(grid, new float[25], 1).WithLabels(new NodeLabels(grid, classes, weights));

        var bitmap = Png.Decode(MapPictures.LabelMap(model, new PictureOptions { Width = 400 }));

        // Too long to sit beside a 400-pixel map: the legend goes below it, one entry per row.
        Assert.Equal(400, bitmap.Width);
        Assert.True(bitmap.Height > 400 + (26 * 12), $"height {bitmap.Height}");
        Assert.True(Png.DarkPixels(bitmap, new SKRectI(0, bitmap.Height - 30, bitmap.Width, bitmap.Height)) > 20, "the last legend line");
    }

    [Fact]
    public void TheSegmentMapColoursEachNodeBySegmentAndDrawsTheBorder()
    {
        var grid = new Grid(4, 2);
        var model = SomModel.Create(grid, [0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f], 1)
            .WithSegments(new NodeSegments(grid, [0, 0, 1, 1, 0, 0, 1, 1], SegmentMethod.KMeans));

        var bitmap = Png.Decode(MapPictures.SegmentMap(model, new PictureOptions { Width = 800 }));
        var cells = Png.FirstRun(bitmap);
        var cell = cells.Width / 4;

        Assert.Equal(First, bitmap.GetPixel(cells.Left + (cell / 2), cells.Top + (cell / 2)));
        Assert.Equal(Second, bitmap.GetPixel(cells.Left + (7 * cell / 2), cells.Top + (cell / 2)));
        // The border between columns 1 and 2 is dark ink, where neither segment colour is.
        var border = bitmap.GetPixel(cells.Left + (2 * cell), cells.Top + cell);
        Assert.True(border.Red < 80 && border.Green < 80 && border.Blue < 80, $"border {border}");
        Assert.Equal(800, bitmap.Width);
    }

    [Fact]
    public void ASegmentProfileHasARowPerSegmentAtTheWidthAsked()
    {
        var grid = new Grid(2, 1);
        var model = SomModel.Create(grid, [0f, 0f, 10f, 10f], 2, ["a", "b"])
            .WithSegments(new NodeSegments(grid, [0, 1], SegmentMethod.Ward));
        var profile = SegmentProfile.Compute(model, DataMatrix.FromRows([[0f, 1f], [1f, 0f], [10f, 10f]]));

        var bitmap = Png.Decode(MapPictures.SegmentProfile(profile, new PictureOptions { Width = 500 }));

        Assert.Equal([2, 1], profile.Sizes);
        Assert.Equal(0.5, profile.Mean(0, 0));
        Assert.Equal(10, profile.Mean(1, 1));
        Assert.Equal(500, bitmap.Width);
    }

    [Fact]
    public void SixtyFourPlanesHaveRoomForTheirTitlesAndAChosenFewCanBeDrawn()
    {
        var grid = new Grid(6, 6);
        var random = new Random(1);
        var model = SomModel.Create(grid, [.. Enumerable.Range(0, 36 * 64).Select(_ => (float)random.NextDouble())], 64,
            [.. Enumerable.Range(0, 64).Select(i => $"worst concave points {i}")]);

        var all = Png.Decode(MapPictures.ComponentPlanes(model));
        var few = Png.Decode(MapPictures.ComponentPlanes(model, [3, 5], new PictureOptions { Width = 640 }));

        // 8 × 8 panels of 78 pixels: each panel's square map is about 66 pixels wide, so the picture is
        // taller than 8 maps plus their titles.
        Assert.Equal(640, all.Width);
        Assert.True(all.Height > 8 * 66, $"height {all.Height}");
        Assert.True(few.Height < all.Height);
        Assert.Throws<ArgumentException>(() => MapPictures.ComponentPlanes(model, [64]));
    }
}
