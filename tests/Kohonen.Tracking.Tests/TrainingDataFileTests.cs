namespace Kohonen.Tracking.Tests;

public sealed class TrainingDataFileTests : StoreFolder
{
    [Theory]
    [InlineData("a.csv", ',')]
    [InlineData("a.TXT", ',')]
    [InlineData("dir/a.tsv", '\t')]
    [InlineData("a.Tsv", '\t')]
    public void DelimitedTextIsToldByItsExtension(string path, char delimiter)
    {
        Assert.Equal(delimiter, TrainingDataFile.CsvDelimiter(path));
        Assert.False(TrainingDataFile.IsNpy(path));
        Assert.True(TrainingDataFile.IsKnown(path));
    }

    [Theory]
    [InlineData("a.npy", true)]
    [InlineData("a.NPY", true)]
    [InlineData("a.dat", false)]
    [InlineData("a", false)]
    [InlineData("a.csv.gz", false)]
    public void OtherFilesAreNpyOrUnknown(string path, bool npy)
    {
        Assert.Null(TrainingDataFile.CsvDelimiter(path));
        Assert.Equal(npy, TrainingDataFile.IsNpy(path));
        Assert.Equal(npy, TrainingDataFile.IsKnown(path));
    }

    [Fact]
    public void ATsvFileIsReadWithTabsDetected()
    {
        var path = Path.Combine(Folder, "rows.tsv");
        File.WriteAllText(path, "x\ty\tname\n1\t2\tone\n3.5\t4\ttwo\n");

        var read = TrainingDataFile.Read(path, new CsvReadOptions { LabelColumn = "name" });

        Assert.Equal('\t', read.Delimiter);
        Assert.Equal(["x", "y"], read.Data.ColumnNames);
        Assert.Equal([1f, 2f, 3.5f, 4f], read.Data.Values.ToArray());
        Assert.Equal(["one", "two"], read.Labels);
    }

    [Fact]
    public void AGivenDelimiterIsUsedWhateverTheExtension()
    {
        var path = Path.Combine(Folder, "rows.csv");
        File.WriteAllText(path, "x|y|name\n1|2|one\n3.5|4|two\n");

        var read = TrainingDataFile.Read(path, new CsvReadOptions { LabelColumn = "name", Delimiter = '|' });

        Assert.Equal(["x", "y"], read.Data.ColumnNames);
        Assert.Equal([1f, 2f, 3.5f, 4f], read.Data.Values.ToArray());
        Assert.Equal(["one", "two"], read.Labels);
    }

    [Fact]
    public void AnNpyFileIsReadWhole()
    {
        var path = Path.Combine(Folder, "rows.npy");
        NpyFile.Write(path, new DataMatrix([1f, 2f, 3f, 4f, 5f, 6f], 3, 2));

        var read = TrainingDataFile.Read(path);

        Assert.Equal((3, 2), (read.Data.Rows, read.Data.Columns));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], read.Data.Values.ToArray());
        Assert.Null(read.Labels);
    }

    [Fact]
    public void AnUnknownExtensionIsRefusedWithTheAllowedOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingDataFile.Read(Path.Combine(Folder, "rows.dat")));

        Assert.Contains("unknown extension '.dat'; allowed: .csv, .tsv, .txt, .npy.", e.Message, StringComparison.Ordinal);
    }
}
