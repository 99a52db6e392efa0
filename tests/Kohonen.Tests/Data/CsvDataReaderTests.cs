
namespace Kohonen.Tests.Data;

public class CsvDataReaderTests
{
    private static CsvData Read(string text, CsvReadOptions? options = null) =>
        CsvDataReader.Read(new StringReader(text), "data.csv", options);

    [Fact]
    public void AHeaderIsDetectedAndNamesTheColumns()
    {
        var csv = Read("r,g,b\n1,0,0\n0,1,0.5\n");

        Assert.Equal(["r", "g", "b"], csv.Data.ColumnNames);
        Assert.Equal(2, csv.Data.Rows);
        Assert.Equal(0.5f, csv.Data[1, 2]);
    }

    [Fact]
    public void WithoutAHeaderColumnsAreNamedByIndexAndTheFirstRowIsData()
    {
        var csv = Read("1,2\n3,4\n");

        Assert.Equal(["x0", "x1"], csv.Data.ColumnNames);
        Assert.Equal([1f, 2f, 3f, 4f], csv.Data.Values.ToArray());
    }

    [Fact]
    public void ColumnsAreChosenByNameOrIndexAndALabelColumnIsKeptAsText()
    {
        var csv = Read("id,species,length,width\n1,setosa,5.1,3.5\n2,\"virginica, tall\",6.3,3.3\n",
            new CsvReadOptions { Columns = ["width", "2"], LabelColumn = "species" });

        Assert.Equal(["width", "length"], csv.Data.ColumnNames);
        Assert.Equal([3.5f, 5.1f, 3.3f, 6.3f], csv.Data.Values.ToArray());
        Assert.Equal(["setosa", "virginica, tall"], csv.Labels!);
    }

    [Fact]
    public void ByDefaultEveryColumnButTheLabelIsAFeature()
    {
        var csv = Read("a,label,b\n1,x,2\n", new CsvReadOptions { LabelColumn = "label" });

        Assert.Equal(["a", "b"], csv.Data.ColumnNames);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,abc\n", "data.csv, line 3, column 2 ('b'): 'abc' is not a number", 3, 2)]
    [InlineData("a,b\n1,2\n\n3,NaN\n", "data.csv, line 4, column 2 ('b'): 'NaN' marks a missing value; missing values are refused here", 4, 2)]
    [InlineData("a,b\n1,2\n-Infinity,1\n", "data.csv, line 3, column 1 ('a'): '-Infinity' is not a finite number", 3, 1)]
    [InlineData("a,b\n1,\n", "data.csv, line 2, column 2 ('b'): the cell is empty; missing values are refused here", 2, 2)]
    [InlineData("a,b\n1,2,3\n", "data.csv, line 2: 3 field(s), but line 1 has 2", 2, 0)]
    [InlineData("a,b\n1,1e39\n", "data.csv, line 2, column 2 ('b'): '1e39' is outside the float32 range", 2, 2)]
    [InlineData("a,b\n1,\"2\n", "data.csv, line 2, column 2: a quoted field is not closed", 2, 2)]
    public void BadCellsAreReportedWithTheirLineAndColumn(string text, string message, int line, int column)
    {
        var error = Assert.Throws<DataFormatException>(() => Read(text, new CsvReadOptions { Missing = MissingValuePolicy.Error }));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void AnUnknownColumnListsTheColumnsThatExist()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("a,b\n1,2\n", new CsvReadOptions { Columns = ["c"] }));

        Assert.Equal("data.csv: unknown column 'c'; the columns are: a, b (or a 0-based index).", error.Message);
    }

    [Fact]
    public void AnEmptyFileOrAHeaderWithoutRowsIsAnError()
    {
        Assert.Contains("no data rows", Assert.Throws<DataFormatException>(() => Read("\n\n")).Message, StringComparison.Ordinal);
        Assert.Contains("header but no data rows", Assert.Throws<DataFormatException>(() => Read("a,b\n")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NumbersUseTheInvariantCultureAndSpacesAroundFieldsAreIgnored()
    {
        var csv = Read("x, y\n 1.5 , -2e-3\n");

        Assert.Equal([1.5f, -0.002f], csv.Data.Values.ToArray());
        Assert.Equal(["x", "y"], csv.Data.ColumnNames);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(25)]
    [InlineData(1000)]
    public void ChunksHoldTheRowsOfTheWholeReadInOrder(int rowsPerChunk)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kohonen-chunks-{Guid.NewGuid():N}.csv");
        var random = new Random(rowsPerChunk);
        File.WriteAllText(path, "id,a,b,label\n" + string.Join("\n", Enumerable.Range(0, 50).Select(i =>
            FormattableString.Invariant($"{i},{random.NextDouble():R},{random.NextDouble():R},k{i % 4}"))) + "\n\n");
        try
        {
            var options = new CsvReadOptions { Columns = ["b", "a"], LabelColumn = "label" };
            var whole = CsvDataReader.Read(path, options);

            var chunks = CsvDataReader.ReadChunks(path, options, rowsPerChunk).ToList();

            Assert.Equal((50 + rowsPerChunk - 1) / rowsPerChunk, chunks.Count);
            Assert.All(chunks.SkipLast(1), c => Assert.Equal(rowsPerChunk, c.Data.Rows));
            Assert.Equal(whole.Data.Values.ToArray(), chunks.SelectMany(c => c.Data.Values.ToArray()));
            Assert.Equal(whole.Labels, chunks.SelectMany(c => c.Labels!));
            Assert.All(chunks, c => Assert.Equal(["b", "a"], c.Data.ColumnNames));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ABadCellInALaterChunkIsReportedWhenThatChunkIsRead()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kohonen-chunks-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "a,b\n" + string.Join("\n", Enumerable.Range(0, 30).Select(i => i == 22 ? "1,NaN" : $"{i},1")) + "\n");
        try
        {
            using var chunks = CsvDataReader.ReadChunks(path, new CsvReadOptions { Missing = MissingValuePolicy.Error }, 10).GetEnumerator();
            Assert.True(chunks.MoveNext());
            Assert.True(chunks.MoveNext());

            var error = Assert.Throws<DataFormatException>(() => chunks.MoveNext());

            Assert.Contains("line 24, column 2 ('b'): 'NaN' marks a missing value", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
