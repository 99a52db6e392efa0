using Parquet;
using Parquet.Schema;

namespace Kohonen.Tests.Data;

/// <summary>The Parquet reader on files written here with Parquet.Net: numeric, text and nullable
/// columns in several row groups.</summary>
public sealed class ParquetDataReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-parquet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly DataField<double> A = new("a");
    private static readonly DataField<float?> B = new("b");
    private static readonly DataField<int> N = new("n");
    private static readonly DataField<string> Name = new("name");

    /// <summary>Three row groups of 4, 3 and 2 rows: a = row number (1..9), b = row/10 but null on
    /// rows 2 and 7, n = 100 + row, name = "r" + row.</summary>
    internal static async Task<string> WriteSampleAsync(string folder, string fileName = "sample.parquet")
    {
        var path = Path.Combine(folder, fileName);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(A, B, N, Name), stream);
        var first = 1;
        foreach (var size in new[] { 4, 3, 2 })
        {
            var rows = Enumerable.Range(first, size).ToArray();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(A, rows.Select(r => (double)r).ToArray().AsMemory());
            await group.WriteAsync<float>(B, rows.Select(r => r is 2 or 7 ? (float?)null : r / 10f).ToArray().AsMemory());
            await group.WriteAsync<int>(N, rows.Select(r => 100 + r).ToArray().AsMemory());
            await group.WriteAsync(Name, rows.Select(r => $"r{r}").ToArray());
            first += size;
        }

        return path;
    }

    [Fact]
    public async Task NumericColumnsAreFeaturesNamedByTheSchemaAndTextColumnsAreKeptAsText()
    {
        var path = await WriteSampleAsync(_folder);

        var data = await ParquetDataReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b", "n"], data.Data.ColumnNames);
        Assert.Equal(9, data.Data.Rows);
        Assert.Equal([1f, 0.1f, 101f], data.Data.Row(0).ToArray());
        Assert.True(float.IsNaN(data.Data[1, 1]));
        Assert.True(float.IsNaN(data.Data[6, 1]));
        Assert.Equal([9f, 0.9f, 109f], data.Data.Row(8).ToArray());
        Assert.Equal(2, data.MissingCells);
        Assert.Equal(Enumerable.Range(1, 9).Select(r => $"r{r}"), data.TextColumns["name"]);
        Assert.Equal(Enumerable.Range(1, 9), data.RowNumbers!);
    }

    [Fact]
    public async Task RowGroupsAreReadOneAtATimeAndAddUpToTheWhole()
    {
        var path = await WriteSampleAsync(_folder);
        var parts = new List<CsvData>();
        await foreach (var part in ParquetDataReader.ReadRowGroupsAsync(path, new CsvReadOptions { Columns = ["n", "a"], LabelColumn = "name" }, TestContext.Current.CancellationToken))
        {
            parts.Add(part);
        }

        Assert.Equal([4, 3, 2], parts.Select(p => p.Data.Rows));
        Assert.All(parts, p => Assert.Equal(["n", "a"], p.Data.ColumnNames));
        Assert.Equal([107f, 7f, 108f, 8f, 109f, 9f], parts[1].Data.Values.ToArray()[^2..].Concat(parts[2].Data.Values.ToArray()));
        Assert.Equal(["r8", "r9"], parts[2].Labels!);
        Assert.Equal([5, 6, 7], parts[1].RowNumbers!);
    }

    [Fact]
    public async Task NullsAreRefusedWhenMissingValuesAre()
    {
        var path = await WriteSampleAsync(_folder);

        var error = await Assert.ThrowsAsync<DataFormatException>(() =>
            ParquetDataReader.ReadAsync(path, new CsvReadOptions { Missing = MissingValuePolicy.Error }, TestContext.Current.CancellationToken));

        Assert.Equal($"{path}, row 2, column 'b': the value is missing (null or NaN); missing values are refused here, every feature value must be a number.", error.Message);
    }

    [Fact]
    public async Task RowsWithTooManyNullsAreSkippedAndCounted()
    {
        var path = await WriteSampleAsync(_folder);

        // Columns b alone: rows 2 and 7 have their one feature missing (share 1 > 0.5).
        var data = await ParquetDataReader.ReadAsync(path, new CsvReadOptions { Columns = ["b"] }, TestContext.Current.CancellationToken);

        Assert.Equal(7, data.Data.Rows);
        Assert.Equal(2, data.SkippedRows);
        Assert.Equal(0, data.MissingCells);
        Assert.Equal([1, 3, 4, 5, 6, 8, 9], data.RowNumbers!);
        Assert.Equal(["r1", "r3", "r4", "r5", "r6", "r8", "r9"], data.TextColumns["name"]);
    }

    [Fact]
    public async Task ATextColumnChosenAsAFeatureIsRefusedWithTheColumnsAndTheirKinds()
    {
        var path = await WriteSampleAsync(_folder);

        var error = await Assert.ThrowsAsync<DataFormatException>(() =>
            ParquetDataReader.ReadAsync(path, new CsvReadOptions { Columns = ["a", "name"] }, TestContext.Current.CancellationToken));

        Assert.Equal($"{path}: column 'name' holds text, not numbers; features must be numeric columns (the columns are: a (Double), b (Single), n (Int32), name (text)).", error.Message);
    }

    [Fact]
    public async Task AnUnknownColumnListsTheColumns()
    {
        var path = await WriteSampleAsync(_folder);

        var error = await Assert.ThrowsAsync<DataFormatException>(() =>
            ParquetDataReader.ReadAsync(path, new CsvReadOptions { LabelColumn = "species" }, TestContext.Current.CancellationToken));

        Assert.Equal($"{path}: unknown label column 'species'; the columns are: a, b, n, name (or a 0-based index).", error.Message);
    }

    [Fact]
    public async Task AFileThatIsNotParquetIsRefusedNamingIt()
    {
        var path = Path.Combine(_folder, "fake.parquet");
        await File.WriteAllTextAsync(path, "a,b\n1,2\n", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<DataFormatException>(() => ParquetDataReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith($"{path}: not a readable Parquet file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheColumnNamesAreTheSchemas()
    {
        var path = await WriteSampleAsync(_folder);

        Assert.Equal(["a", "b", "n", "name"], await ParquetDataReader.ReadColumnNamesAsync(path, TestContext.Current.CancellationToken));
    }
}
