namespace Kohonen.Imaging.Tests;

/// <summary>The range written under each component plane: readable numbers, never cut off.</summary>
public class PlaneRangeTests
{
    [Theory]
    [InlineData(1540.3, "1540")]
    [InlineData(2412.6, "2410")]
    [InlineData(-339.2, "-339")]
    [InlineData(152.4, "152")]
    [InlineData(0.0896, "0.0896")]
    [InlineData(0.00193, "0.00193")]
    [InlineData(999_499.0, "999000")]
    [InlineData(1.5e7, "1.5E+07")]
    [InlineData(0.0004, "0")]
    public void NumbersKeepThreeSignificantDigitsWithoutAnExponentUpToAMillion(double value, string written) =>
        Assert.Equal(written, MapPictures.Short(value));

    [Fact]
    public void ARangeTooWideForItsPanelGoesOnTwoLinesWhole()
    {
        var plane = SomModel.Create(new Grid(2, 1), [0.0759f, 0.1234f], 1, ["v"]).ComponentPlane(0);

        var wide = MapPictures.RangeLines(plane, 400, 10);
        var narrow = MapPictures.RangeLines(plane, 60, 10);

        Assert.Equal(["0.0759 – 0.123"], wide);
        Assert.Equal(["0.0759 –", "0.123"], narrow);
    }
}
