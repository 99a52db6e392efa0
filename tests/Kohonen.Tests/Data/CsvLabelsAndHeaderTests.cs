namespace Kohonen.Tests.Data;

/// <summary>Empty label cells (refused, or unlabelled rows when allowed) and a header given with
/// HasHeader = true that looks like data, in the CSV and Parquet readers. Expected values are worked out
/// by hand from the text of each file.</summary>
public sealed class CsvLabelsAndHeaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-labels-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CsvData Read(string text, CsvReadOptions options) =>
        CsvDataReader.Read(new StringReader(text), "t.csv", options);

    [Fact]
    public void AnEmptyLabelIsRefusedByDefaultWithItsLineAndColumn()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("a,kind\n1,x\n2,\n", new CsvReadOptions { LabelColumn = "kind" }));

        Assert.Equal("t.csv, line 3, column 2 ('kind'): the label is empty.", e.Message);
    }

    [Fact]
    public void AllowedAnEmptyLabelIsAnUnlabelledRowKeptInItsPlace()
    {
        var csv = Read("a,kind\n1,x\n2,\n3,y\n", new CsvReadOptions { LabelColumn = "kind", AllowEmptyLabels = true });

        Assert.Equal(["x", "", "y"], csv.Labels!);
        Assert.Equal([1f, 2f, 3f], csv.Data.Values.ToArray());
        Assert.Equal([1, 2, 3], csv.RowNumbers!);
    }

    [Fact]
    public void AllowedAnEmptyLabelStaysAlignedWhenAnotherRowIsSkipped()
    {
        // Row 2 has both features missing and is skipped (max-missing 0.5); row 3's empty label stays its own.
        var csv = Read("a,b,kind\n1,1,x\n,,y\n3,3,\n", new CsvReadOptions { LabelColumn = "kind", AllowEmptyLabels = true });

        Assert.Equal(["x", ""], csv.Labels!);
        Assert.Equal([1, 3], csv.RowNumbers!);
        Assert.Equal(1, csv.SkippedRows);
    }

    [Fact]
    public async Task AParquetNullLabelIsRefusedByDefaultAndUnlabelledWhenAllowed()
    {
        var path = Path.Combine(_folder, "labels.parquet");
        var a = new Parquet.Schema.DataField<double>("a");
        var kind = new Parquet.Schema.DataField<string>("kind");
        await using (var stream = File.Create(path))
        {
            await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(a, kind), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(a, new double[] { 1, 2, 3 }.AsMemory());
            await group.WriteAsync(kind, new string[] { "x", null!, "y" });
        }

        var refused = await Assert.ThrowsAsync<DataFormatException>(() => ParquetDataReader.ReadAsync(path, new CsvReadOptions { LabelColumn = "kind" }, TestContext.Current.CancellationToken));
        var read = await ParquetDataReader.ReadAsync(path, new CsvReadOptions { LabelColumn = "kind", AllowEmptyLabels = true }, TestContext.Current.CancellationToken);

        Assert.Equal($"{path}, row 2, column 'kind': the label is empty.", refused.Message);
        Assert.Equal(["x", "", "y"], read.Labels!);
    }

    [Theory]
    [InlineData("5.1,3.5\n4.9,3.0\n", true)]
    [InlineData("5.1,NA\n4.9,3.0\n", true)]
    [InlineData("NA,\n4.9,3.0\n", false)]
    [InlineData("a,b\n4.9,3.0\n", false)]
    [InlineData("x,0.2\n1,2\n", false)]
    public void HeaderYesOnARowOfNumbersIsTakenAndFlagged(string text, bool looksLikeData)
    {
        var csv = Read(text, new CsvReadOptions { HasHeader = true });

        Assert.Equal(1, csv.Data.Rows);
        Assert.Equal(looksLikeData, csv.HeaderLooksLikeData);
    }

    [Fact]
    public void OnlyTheFeatureColumnsOfTheHeaderAreLookedAt()
    {
        // The label column holds text in the taken row; its feature cells are numbers: it looks like data.
        var csv = Read("1.5,2.5,odd\n3,4,even\n", new CsvReadOptions { HasHeader = true, LabelColumn = "2" });
        var chosen = Read("1,x,3\n4,5,6\n", new CsvReadOptions { HasHeader = true, Columns = ["0", "2"] });

        Assert.True(csv.HeaderLooksLikeData);
        Assert.True(chosen.HeaderLooksLikeData);
    }

    [Fact]
    public void ADetectedOrRefusedHeaderIsNeverFlagged()
    {
        Assert.False(Read("a,b\n1,2\n", new CsvReadOptions()).HeaderLooksLikeData);
        Assert.False(Read("1,2\n3,4\n", new CsvReadOptions()).HeaderLooksLikeData);
        Assert.False(Read("1,2\n3,4\n", new CsvReadOptions { HasHeader = false }).HeaderLooksLikeData);
    }

    [Fact]
    public void EveryChunkOfAStreamedReadCarriesTheFlag()
    {
        var path = Path.Combine(_folder, "n.csv");
        File.WriteAllText(path, "1,2\n3,4\n5,6\n7,8\n");

        var chunks = CsvDataReader.ReadChunks(path, new CsvReadOptions { HasHeader = true }, 2).ToList();

        Assert.Equal(2, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.HeaderLooksLikeData));
    }
}
