namespace Kohonen.Tests.Data;

/// <summary>Header detection, delimiter detection, missing values and text columns of the CSV reader.
/// Expected values are worked out by hand from the text of each file.</summary>
public class CsvTableReadingTests
{
    private static CsvData Read(string text, CsvReadOptions? options = null) =>
        CsvDataReader.Read(new StringReader(text), "t.csv", options);

    private static DataFormatException Refusal(string text, CsvReadOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => Read(text, options));

    [Fact]
    public void AHeadlessFileWhoseFirstRowHasATextLabelKeepsEveryRowWhenTheFeaturesAreNumbers()
    {
        var lines = Enumerable.Range(1, 35).Select(i => FormattableString.Invariant($"{i}.5,{i},{(i % 2 == 0 ? "even" : "odd")}"));
        var text = string.Join("\n", lines) + "\n";

        var csv = Read(text, new CsvReadOptions { Columns = ["0", "1"] });

        Assert.Null(csv.Header);
        Assert.Equal(35, csv.Data.Rows);
        Assert.Equal([1.5f, 1f], csv.Data.Row(0).ToArray());
        Assert.Equal([35.5f, 35f], csv.Data.Row(34).ToArray());
        Assert.Equal(Enumerable.Range(1, 35), csv.RowNumbers!);
    }

    [Fact]
    public void TheSameFileWithItsLabelColumnNamedByIndexKeepsEveryRowAndItsLabels()
    {
        var csv = Read("1,2,odd\n3,4,even\n", new CsvReadOptions { LabelColumn = "2" });

        Assert.Null(csv.Header);
        Assert.Equal(["odd", "even"], csv.Labels!);
        Assert.Equal([1f, 2f, 3f, 4f], csv.Data.Values.ToArray());
    }

    [Fact]
    public void AFirstRowWithAnEmptyCellIsDataNeverAHeader()
    {
        var csv = Read("0.1,,0.3\n0.4,0.5,0.6\n0.7,0.8,0.9\n");

        Assert.Null(csv.Header);
        Assert.Equal(3, csv.Data.Rows);
        Assert.True(float.IsNaN(csv.Data[0, 1]));
        Assert.Equal(1, csv.MissingCells);
    }

    [Fact]
    public void AFirstRowWithAnEmptyCellIsRefusedWhenMissingValuesAre()
    {
        var error = Refusal("0.1,,0.3\n0.4,0.5,0.6\n0.7,0.8,0.9\n", new CsvReadOptions { Missing = MissingValuePolicy.Error });

        Assert.Equal("t.csv, line 1, column 2 (index 1): the cell is empty; missing values are refused here, every feature value must be a number.", error.Message);
        Assert.Equal((1, 2), (error.Line, error.Column));
    }

    [Fact]
    public void AFirstRowMixingNumbersAndTextIsRefusedWithWhatToSay()
    {
        var error = Refusal("0.1,abc,0.3\n0.4,0.5,0.6\n");

        Assert.Equal(
            "t.csv, line 1: the first row mixes text (column 2: 'abc') and numbers (column 1: '0.1'), so it is neither clearly a header nor clearly data; say whether the file has a header (kohonen: --header yes or --header no).",
            error.Message);
    }

    [Fact]
    public void AHeaderWithAnEmptyNameIsStillAHeader()
    {
        var csv = Read(",a,b\n0,1,2\n", new CsvReadOptions { Columns = ["a", "b"] });

        Assert.Equal(["", "a", "b"], csv.Header!);
        Assert.Equal([1f, 2f], csv.Data.Values.ToArray());
    }

    [Fact]
    public void AColumnNameTheOptionsAskForMakesTheFirstRowAHeader()
    {
        var named = Read("2019,size\n1,2\n", new CsvReadOptions { Columns = ["size"] });

        Assert.Equal(["2019", "size"], named.Header!);
        Assert.Equal([2f], named.Data.Values.ToArray());
    }

    [Fact]
    public void HeaderYesAndNoOverrideTheDetection()
    {
        var forced = Read("1,2\n3,4\n", new CsvReadOptions { HasHeader = true });
        Assert.Equal(["1", "2"], forced.Data.ColumnNames);
        Assert.Equal([3f, 4f], forced.Data.Values.ToArray());

        var data = Refusal("a,b\n3,4\n", new CsvReadOptions { HasHeader = false });
        Assert.StartsWith("t.csv, line 1, column 1 (index 0): 'a' is not a number", data.Message, StringComparison.Ordinal);

        var mixed = Read("x,0.2\n1,2\n", new CsvReadOptions { HasHeader = true });
        Assert.Equal(["x", "0.2"], mixed.Header!);
    }

    [Theory]
    [InlineData("a;b;c\n1;2;3\n4;5;6\n", ';')]
    [InlineData("a\tb\tc\n1\t2\t3\n4\t5\t6\n", '\t')]
    [InlineData("a,b,c\n1,2,3\n4,5,6\n", ',')]
    [InlineData("\"x;y\",b,c\n1,2,3\n4,5,6\n", ',')]
    [InlineData("\"p,q\";b;c\n1;2;3\n4;5;6\n", ';')]
    public void TheDelimiterIsDetectedOutsideQuotes(string text, char expected)
    {
        var csv = Read(text);

        Assert.Equal(expected, csv.Delimiter);
        Assert.Equal(3, csv.Data.Columns);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], csv.Data.Values.ToArray());
    }

    [Fact]
    public void ASemicolonFileWithDecimalCommasIsTakenAsSemicolonSeparated()
    {
        var error = Refusal("a;b\n1,5;2\n3;4,25\n");

        Assert.StartsWith("t.csv, line 2, column 1 ('a'): '1,5' is not a number (use '.' for the decimal point", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AGivenDelimiterIsUsedAsItIs()
    {
        var csv = Read("a|b\n1|2\n", new CsvReadOptions { Delimiter = '|' });

        Assert.Equal('|', csv.Delimiter);
        Assert.Equal(["a", "b"], csv.Data.ColumnNames);
    }

    [Fact]
    public void MissingTokensInAnyCaseReadAsNaNAndAreCounted()
    {
        var csv = Read("a,b,c,d\n1,NA,2,3\n4,5,nan,6\n7,8,9,Null\n,10,11,12\n13,14,15,16\n");

        Assert.Equal(5, csv.Data.Rows);
        Assert.Equal(4, csv.MissingCells);
        Assert.Equal(0, csv.SkippedRows);
        Assert.True(float.IsNaN(csv.Data[0, 1]));
        Assert.True(float.IsNaN(csv.Data[1, 2]));
        Assert.True(float.IsNaN(csv.Data[2, 3]));
        Assert.True(float.IsNaN(csv.Data[3, 0]));
        Assert.Equal([13f, 14f, 15f, 16f], csv.Data.Row(4).ToArray());
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void InfinityStaysRefused(string cell)
    {
        var error = Refusal($"a,b\n1,{cell}\n");

        Assert.StartsWith($"t.csv, line 2, column 2 ('b'): '{cell}' is not a finite number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RowsWithMoreThanTheMaximumShareMissingAreSkippedAndKeepTheirNumbers()
    {
        // 4 features: 2 missing is a share of 0.5 (kept at the default), 3 missing is 0.75 (skipped).
        var csv = Read("a,b,c,d\n1,2,3,4\n,,3,4\n,,,4\n5,6,7,8\nNA,NA,NA,NA\n9,10,11,12\n");

        Assert.Equal([1, 2, 4, 6], csv.RowNumbers!);
        Assert.Equal(2, csv.SkippedRows);
        Assert.Equal(2, csv.MissingCells);
        Assert.Equal(4, csv.Data.Rows);

        var strict = Read("a,b,c,d\n1,2,3,4\n,,3,4\n,,,4\n", new CsvReadOptions { MaxMissing = 0 });
        Assert.Equal([1], strict.RowNumbers!);
        Assert.Equal(2, strict.SkippedRows);

        var none = Read("a,b\n,\n1,2\n", new CsvReadOptions { MaxMissing = 1 });
        Assert.Equal(2, none.Data.Rows);
        Assert.Equal(2, none.MissingCells);
    }

    [Fact]
    public void AFileWhoseRowsAreAllSkippedIsRefused()
    {
        var error = Refusal("a,b\n,\nNA,NA\n");

        Assert.Equal("t.csv: every data row (2) has more than 0.5 of its features missing, so none is left (the maximum share of missing features can be raised up to 1).", error.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void AMaximumShareOutsideZeroToOneIsRefused(double share)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Read("a\n1\n", new CsvReadOptions { MaxMissing = share }));
    }

    [Fact]
    public void ChunksCountTheirMissingCellsAndSkippedRowsAndAddUpToTheWhole()
    {
        var text = "a,b\n1,2\n,\n3,\n4,5\n6,NA\n,\n,\n";
        var whole = Read(text);
        var path = Path.Combine(Path.GetTempPath(), $"kohonen-missing-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        try
        {
            var chunks = CsvDataReader.ReadChunks(path, null, 2).ToList();

            Assert.Equal((2, 3), (whole.MissingCells, whole.SkippedRows));
            Assert.Equal(2, chunks.Count);
            Assert.Equal(whole.MissingCells, chunks.Sum(c => c.MissingCells));
            Assert.Equal(whole.SkippedRows, chunks.Sum(c => c.SkippedRows));
            Assert.Equal([1, 3, 4, 5], chunks.SelectMany(c => c.RowNumbers!));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TextColumnsAreReadUnchangedAndLeftOutOfTheFeatures()
    {
        var csv = Read("id;x;y\n\"a;1\";1;2\nb 2;3;4\n", new CsvReadOptions { TextColumns = ["id"] });

        Assert.Equal(["x", "y"], csv.Data.ColumnNames);
        Assert.Equal(["a;1", "b 2"], csv.TextColumns["id"]);
    }

    [Fact]
    public void TextColumnsByIndexWorkWithoutAHeader()
    {
        var csv = Read("r1\t1\t2\nr2\t3\t4\n", new CsvReadOptions { TextColumns = ["0"] });

        Assert.Null(csv.Header);
        Assert.Equal(["r1", "r2"], csv.TextColumns["0"]);
        Assert.Equal([1f, 2f, 3f, 4f], csv.Data.Values.ToArray());
    }

    [Fact]
    public void MissingValuesInASkippedRowDoNotCountAndRefusalNamesTheToken()
    {
        var error = Refusal("a,b\n1,null\n", new CsvReadOptions { Missing = MissingValuePolicy.Error });

        Assert.Equal("t.csv, line 2, column 2 ('b'): 'null' marks a missing value; missing values are refused here, every feature value must be a number.", error.Message);
    }
}
