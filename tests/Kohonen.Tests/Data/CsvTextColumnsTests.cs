namespace Kohonen.Tests.Data;

public sealed class CsvTextColumnsTests
{
    private static CsvData Read(string text, CsvReadOptions options) => CsvDataReader.Read(new StringReader(text), "data.csv", options);

    [Fact]
    public void TextColumnsAreKeptByTheirSelectorAndLeftOutOfTheFeatures()
    {
        var table = Read("a,colour,b,shape\n1,red,2,round\n3,,4,square\n", new CsvReadOptions { TextColumns = ["colour", "3"] });

        Assert.Equal(["a", "b"], table.Data.ColumnNames);
        Assert.Equal([1f, 2f, 3f, 4f], table.Data.Values.ToArray());
        Assert.Equal(["colour", "3"], table.TextColumns.Keys);
        Assert.Equal(["red", ""], table.TextColumns["colour"]);
        Assert.Equal(["round", "square"], table.TextColumns["3"]);
    }

    [Fact]
    public void ChunksCarryTheirOwnRowsText()
    {
        var chunks = CsvDataReader.ReadChunks(WriteTemp("a,c\n1,x\n2,y\n3,z\n"), new CsvReadOptions { TextColumns = ["c"] }, 2).ToList();

        Assert.Equal(["x", "y"], chunks[0].TextColumns["c"]);
        Assert.Equal(["z"], chunks[1].TextColumns["c"]);
    }

    [Fact]
    public void AColumnCannotBeTextAndAFeatureOrTheLabel()
    {
        var asFeature = Assert.Throws<DataFormatException>(() => Read("a,c\n1,x\n", new CsvReadOptions { Columns = ["a", "c"], TextColumns = ["c"] }));
        var asLabel = Assert.Throws<DataFormatException>(() => Read("a,c\n1,x\n", new CsvReadOptions { LabelColumn = "c", TextColumns = ["c"] }));
        var unknown = Assert.Throws<DataFormatException>(() => Read("a,c\n1,x\n", new CsvReadOptions { TextColumns = ["d"] }));

        Assert.Equal("data.csv: column 'c' cannot be both a text column and a feature.", asFeature.Message);
        Assert.Equal("data.csv: column 'c' cannot be both a text column and a label column.", asLabel.Message);
        Assert.Equal("data.csv: unknown text column 'd'; the columns are: a, c (or a 0-based index).", unknown.Message);
    }

    [Fact]
    public void TextInAFeatureColumnNamesTheFlagsThatTakeText()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("a,c\n1,x\n", new CsvReadOptions()));

        Assert.Equal(
            "data.csv, line 2, column 2 ('c'): 'x' is not a number. A column of text can be a label (--label-column), a category one-hot encoded in the map (train --categorical) or an id carried through (predict --id-column); or leave it out by naming the features with --columns.",
            error.Message);
        Assert.Equal((2, 2, "'c'", true), (error.Line, error.Column, error.ColumnLabel, error.IsTextWhereANumberMustBe));
    }

    [Fact]
    public void AMistypedNumberIsNotTakenForAColumnOfText()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("1,2\n3,4;5\n", new CsvReadOptions { HasHeader = false }));

        Assert.Equal((2, 2, "index 1", false), (error.Line, error.Column, error.ColumnLabel, error.IsTextWhereANumberMustBe));
    }

    private static string WriteTemp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kohonen-text-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        return path;
    }
}
