using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace Kohonen.Distributed.Tests;

/// <summary>
/// The contract for text and Parquet files: each partition reads its row range of the shared file
/// with the core's own reader, and the cluster writes the model one machine writes from the whole
/// file read with the same choices, byte for byte, whatever the partitions (cutting inside row
/// groups, between the rows the text file's index remembers, after blank lines).
/// </summary>
public sealed class TableSameBytesTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static ClusterTrainingOptions Settings(int partitions) =>
        new() { Partitions = partitions, Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(200), CallTimeout = TimeSpan.FromSeconds(60), Threads = 2 };

    private static SomOptions Options(Initialization init) => new()
    {
        Width = 6, Height = 5, Scaling = Scaling.ZScore, Initialization = init, Algorithm = TrainingAlgorithm.Batch, Iterations = 5, Seed = 7, MetricsEvery = 2,
    };

    private static string Number(Random random) =>
        (random.NextDouble() * 200 - 100).ToString(random.Next(3) switch { 0 => "0.#", 1 => "0.#####", _ => "R" }, CultureInfo.InvariantCulture);

    /// <summary>A text file of <paramref name="rows"/> rows: an id column, then four numbers; with a
    /// header (and a byte order mark, CRLF line ends, blank lines and a quoted cell) or without.</summary>
    private static void WriteText(string path, int rows, char delimiter, bool header)
    {
        var random = new Random(rows);
        var text = new StringBuilder();
        var end = header ? "\r\n" : "\n";
        if (header)
        {
            text.Append(string.Join(delimiter, "id", "alpha", "beta", "gamma", "delta")).Append(end).Append(end);
        }

        for (var r = 0; r < rows; r++)
        {
            var cells = new[] { $"row{r}", Number(random), Number(random), Number(random), Number(random) };
            if (r % 97 == 5)
            {
                cells[2] = $"\"{cells[2]}\"";
            }

            text.Append(string.Join(delimiter, cells)).Append(end);
            if (r % 1000 == 999)
            {
                text.Append("  \t").Append(end);
            }
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: header));
    }

    public static TheoryData<bool, char, int, Initialization> TextCases => new()
    {
        { true, ',', 1, Initialization.Sample },
        { true, ',', 3, Initialization.Random },
        { true, ',', 7, Initialization.Sample },
        { false, ';', 5, Initialization.Sample },
        { false, ';', 64, Initialization.Random },
    };

    [Theory]
    [MemberData(nameof(TextCases))]
    public async Task A_text_file_trains_to_the_bytes_one_machine_writes(bool header, char delimiter, int partitions, Initialization init)
    {
        using var folder = new TempFolder();
        var path = folder.File(header ? "rows.csv" : "rows.txt");
        const int rows = 9_500; // more than the 4,096 row starts a text file's index keeps: partitions seek, then pass rows
        WriteText(path, rows, delimiter, header);
        string[] columns = header ? ["gamma", "alpha", "4", "beta"] : ["1", "2", "3", "4"];
        var reading = new CsvReadOptions { Columns = columns };

        var table = CsvDataReader.Read(path, reading);
        Assert.Equal(rows, table.Data.Rows);
        var single = SomFile.ToBytes(new SomTrainer(Options(init)).Fit(DataSource.FromCsv(table), cancellationToken: TestContext.Current.CancellationToken));
        var result = await new ClusterTrainer(fixture.Cluster.Client, Settings(partitions))
            .FitAsync(Options(init), path, new TableReading { Columns = columns }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(partitions, result.Partitions);
        Assert.Equal(header ? new[] { "gamma", "alpha", "delta", "beta" } : ["x1", "x2", "x3", "x4"], result.Model.FeatureNames);
        Assert.Equal(single, SomFile.ToBytes(result.Model));
    }

    private static readonly DataField<double> A = new("a");
    private static readonly DataField<int> B = new("b");
    private static readonly DataField<float> C = new("c");
    private static readonly DataField<string> Name = new("name");
    private static readonly DataField<float?> Gappy = new("gappy");

    /// <summary>A Parquet file in row groups of the given sizes: a (double), b (int), c (float), a
    /// text column, and a nullable column that is null on row <paramref name="nullAt"/> (0-based; -1: none).</summary>
    private static async Task WriteParquetAsync(string path, int[] groups, int nullAt = -1)
    {
        var random = new Random(groups.Sum());
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(A, B, Name, C, Gappy), stream);
        var first = 0;
        foreach (var size in groups)
        {
            var rows = Enumerable.Range(first, size).ToArray();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(A, rows.Select(_ => random.NextDouble() * 10 - 3).ToArray().AsMemory());
            await group.WriteAsync<int>(B, rows.Select(_ => random.Next(-500, 500)).ToArray().AsMemory());
            await group.WriteAsync(Name, rows.Select(r => $"r{r}").ToArray());
            await group.WriteAsync<float>(C, rows.Select(_ => (float)(random.NextDouble() * 1e-3)).ToArray().AsMemory());
            await group.WriteAsync<float>(Gappy, rows.Select(r => r == nullAt ? (float?)null : r * 0.25f).ToArray().AsMemory());
            first += size;
        }
    }

    private static readonly int[] Groups = [97, 150, 3, 250, 0, 200];

    [Theory]
    [InlineData(1)]
    [InlineData(2)] // cuts inside the fourth row group
    [InlineData(4)]
    [InlineData(9)]
    public async Task A_parquet_file_in_row_groups_trains_to_the_bytes_one_machine_writes(int partitions)
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.parquet");
        await WriteParquetAsync(path, Groups);

        var table = await ParquetDataReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(700, table.Data.Rows);
        var single = SomFile.ToBytes(new SomTrainer(Options(Initialization.Sample)).Fit(DataSource.FromCsv(table), cancellationToken: TestContext.Current.CancellationToken));
        var result = await new ClusterTrainer(fixture.Cluster.Client, Settings(partitions))
            .FitAsync(Options(Initialization.Sample), path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b", "c", "gappy"], result.Model.FeatureNames);
        Assert.Equal(single, SomFile.ToBytes(result.Model));
    }

    [Fact]
    public async Task Parquet_columns_are_chosen_by_name_or_index_as_on_one_machine()
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.parquet");
        await WriteParquetAsync(path, Groups);
        string[] columns = ["c", "0"];

        var table = await ParquetDataReader.ReadAsync(path, new CsvReadOptions { Columns = columns }, TestContext.Current.CancellationToken);
        var single = SomFile.ToBytes(new SomTrainer(Options(Initialization.Random)).Fit(DataSource.FromCsv(table), cancellationToken: TestContext.Current.CancellationToken));
        var result = await new ClusterTrainer(fixture.Cluster.Client, Settings(3))
            .FitAsync(Options(Initialization.Random), path, new TableReading { Columns = columns }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["c", "a"], result.Model.FeatureNames);
        Assert.Equal(single, SomFile.ToBytes(result.Model));
    }

    [Fact]
    public async Task A_missing_value_in_a_csv_is_refused_with_its_line_and_column()
    {
        using var folder = new TempFolder();
        var path = folder.File("gaps.csv");
        var lines = new List<string> { "a,b,c" };
        lines.AddRange(Enumerable.Range(0, 300).Select(r => r == 211 ? $"{r},,1.5" : $"{r},{r * 0.5},1.5"));
        File.WriteAllLines(path, lines);

        var error = await Assert.ThrowsAsync<ClusterTrainingException>(() => new ClusterTrainer(fixture.Cluster.Client, Settings(4))
            .FitAsync(Options(Initialization.Random), path, new TableReading(), cancellationToken: TestContext.Current.CancellationToken));

        // Row 211 (0-based) is line 213: the header is line 1.
        Assert.Contains($"{path}, line 213, column 2 ('b')", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_in_a_parquet_file_is_refused_with_its_row_and_column()
    {
        using var folder = new TempFolder();
        var path = folder.File("gaps.parquet");
        await WriteParquetAsync(path, Groups, nullAt: 400);

        var error = await Assert.ThrowsAsync<ClusterTrainingException>(() => new ClusterTrainer(fixture.Cluster.Client, Settings(3))
            .FitAsync(Options(Initialization.Random), path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains($"{path}, row 401, column 'gappy'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_column_is_refused_naming_the_columns()
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.csv");
        WriteText(path, 50, ',', header: true);

        var error = await Assert.ThrowsAsync<ClusterTrainingException>(() => new ClusterTrainer(fixture.Cluster.Client, Settings(2))
            .FitAsync(Options(Initialization.Random), path, new TableReading { Columns = ["alpha", "epsilon"] }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("unknown column 'epsilon'", error.Message, StringComparison.Ordinal);
        Assert.Contains("alpha, beta, gamma, delta", error.Message, StringComparison.Ordinal);
    }
}
