using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Kohonen.Cli.Tests;

/// <summary>--header, --delimiter, --missing and --max-missing on the commands that read tables,
/// predict's row numbers and id columns, and Parquet files.</summary>
public class TableReadingCommandTests : ScratchFolder
{
    /// <summary>A 3×2 map with hand-set weights: node (x, y) holds (x, y, 0) in features r, g, b.</summary>
    private string HandMadeModel()
    {
        var weights = new List<float>();
        for (var y = 0; y < 2; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                weights.AddRange([x, y, 0f]);
            }
        }

        var path = PathOf("hand.som");
        SomFile.Save(SomModel.Create(new Grid(3, 2), [.. weights], 3, ["r", "g", "b"]), path);
        return path;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task AHeadlessFileWhoseFirstRowHasATextLabelGivesOnePredictionPerRowWithItsNumber()
    {
        // Row i holds (i mod 3, i mod 2, 0) and a label: its BMU is node (i mod 3, i mod 2), at 0.
        var rows = Enumerable.Range(1, 35).Select(i => $"{i % 3},{i % 2},0,class_{i % 3}");
        var data = WriteFile("nohdr_lab.csv", string.Join("\n", rows) + "\n");

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--columns", "0,1,2");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = Lines(run.Out);
        Assert.Equal(36, lines.Length);
        Assert.Equal("row,bmu_x,bmu_y,distance", lines[0]);
        for (var i = 1; i <= 35; i++)
        {
            Assert.Equal($"{i},{i % 3},{i % 2},0", lines[i]);
        }

        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task WithoutColumnsAMixedFirstRowIsRefusedAndHeaderNoReadsItAsData()
    {
        var data = WriteFile("mixed.csv", "0,1,0,first\n2,0,0,second\n");

        var refused = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);
        var asData = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--header", "no", "--id-column", "3");

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"error: {data}, line 1: the first row mixes text (column 4: 'first') and numbers (column 1: '0'), so it is neither clearly a header nor clearly data; say whether the file has a header (kohonen: --header yes or --header no).\n", refused.Error);
        Assert.True(asData.ExitCode == 0, asData.ToString());
        Assert.Equal("row,3,bmu_x,bmu_y,distance\n1,first,0,1,0\n2,second,2,0,0\n", asData.Out);
    }

    [Fact]
    public async Task ADetectedHeaderIsSaidOnStandardError()
    {
        var data = WriteFile("named.csv", "r,g,b\n2,1,0\n");

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);
        var told = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--header", "yes");

        Assert.Equal("row,bmu_x,bmu_y,distance\n1,2,1,0\n", run.Out);
        Assert.Equal($"{data}: took the first row as the header (r, g, b); give --header no if it is data.\n", run.Error);
        Assert.Equal("", told.Error);
    }

    [Fact]
    public async Task AFirstRowWithAnEmptyCellIsNeverEatenAsAHeader()
    {
        var data = WriteFile("a.csv", "0.1,,0.3\n0.4,0.5,0.6\n0.7,0.8,0.9\n");

        var refused = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--missing", "error");
        var skipped = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--max-missing", "0");

        Assert.Equal((2, $"error: {data}, line 1, column 2 (index 1): the cell is empty; missing values are refused here, every feature value must be a number.\n"), (refused.ExitCode, refused.Error));
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        var lines = Lines(skipped.Out);
        Assert.Equal(["2", "3"], lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal($"{data}: 0 missing value(s) in the rows kept; 1 row(s) skipped for having more than 0 of their features missing (--max-missing).\n", skipped.Error);
    }

    [Theory]
    [InlineData(";", "r;g;b\n2;1;0\n\"0\";\"1\";0\n")]
    [InlineData("\t", "r\tg\tb\n2\t1\t0\n0\t1\t0\n")]
    public async Task SemicolonAndTabFilesAreReadWithoutBeingTold(string delimiter, string content)
    {
        var data = WriteFile(delimiter == ";" ? "semi.csv" : "tabs.txt", content);

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--header", "yes");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("row,bmu_x,bmu_y,distance\n1,2,1,0\n2,0,1,0\n", run.Out);
    }

    [Fact]
    public async Task ASemicolonFileTrainsAndJsonSaysHowItWasRead()
    {
        var rows = Enumerable.Range(0, 30).Select(i => FormattableString.Invariant($"{i % 5};{i % 7 / 7.0};{(i % 3 == 0 ? "NA" : (i / 30.0).ToString(CultureInfo.InvariantCulture))};k{i % 2}"));
        var data = WriteFile("semi.csv", "a;b;c;label\n" + string.Join("\n", rows) + "\n;;;k0\n");

        var run = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "label", "--width", "3", "--height", "3", "--iterations", "2",
            "--no-track", "--no-plots", "--out", PathOf("m.som"), "--json", "--max-missing", "0");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var read = json.RootElement.GetProperty("data");
        Assert.Equal(";", read.GetProperty("delimiter").GetString());
        Assert.True(read.GetProperty("header_detected").GetBoolean());
        Assert.Equal(["a", "b", "c", "label"], read.GetProperty("header").EnumerateArray().Select(e => e.GetString()));
        // Rows 0, 3, …, 27 have c missing (10 rows) and the last row has all three: 11 skipped.
        Assert.Equal(11, read.GetProperty("skipped_rows").GetInt64());
        Assert.Equal(0, read.GetProperty("missing_cells").GetInt64());
        Assert.Equal(20, json.RootElement.GetProperty("rows").GetInt32());
    }

    [Theory]
    [InlineData("--header", "maybe", "error: --header: unknown value 'maybe'; allowed: auto, yes, no.\n")]
    [InlineData("--missing", "skip", "error: --missing: unknown value 'skip'; allowed: allow, error.\n")]
    [InlineData("--max-missing", "1.5", "error: --max-missing must be in [0, 1]; got 1.5.\n")]
    [InlineData("--delimiter", "ab", "error: --delimiter: 'ab' cannot separate fields; allowed: ',', ';', tab (or \\t), or another single character that is not a letter, digit, quote, '.', '-' or '+'.\n")]
    public async Task BadReadingFlagsAreUsageErrorsThatListWhatIsAllowed(string flag, string value, string message)
    {
        var data = WriteFile("d.csv", "r,g,b\n1,1,0\n");

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, flag, value);

        Assert.Equal((2, message), (run.ExitCode, run.Error));
    }

    [Fact]
    public async Task HeaderAndDelimiterAreRefusedForANpyFile()
    {
        var npy = PathOf("v.npy");
        NpyFile.Write(npy, DataMatrix.FromRows([[1f, 1f, 0f]]));

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", npy, "--header", "no");

        Assert.Equal((2, $"error: --header and --delimiter apply to CSV and TSV files; '{npy}' is a .npy array.\n"), (run.ExitCode, run.Error));
    }

    [Fact]
    public async Task EveryTableCommandTakesTheSameReadingFlags()
    {
        foreach (var command in new[] { "train", "predict", "plot", "evaluate", "segments", "cluster" })
        {
            var help = await CliRun.InvokeAsync(command, "--help");
            foreach (var flag in new[] { "--header", "--delimiter", "--missing", "--max-missing" })
            {
                Assert.Contains(flag, help.Out, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Rows r = 1..9 in row groups of 4, 3 and 2: r = (r mod 3), g = (r mod 2) (null on rows 2
    /// and 7), b = 0, and name "p" + r.</summary>
    private async Task<string> WriteParquetAsync()
    {
        var r = new DataField<double>("r");
        var g = new DataField<float?>("g");
        var b = new DataField<int>("b");
        var name = new DataField<string>("name");
        var path = PathOf("rows.parquet");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(r, g, b, name), stream);
        var first = 1;
        foreach (var size in new[] { 4, 3, 2 })
        {
            var rows = Enumerable.Range(first, size).ToArray();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(r, rows.Select(i => (double)(i % 3)).ToArray().AsMemory());
            await group.WriteAsync<float>(g, rows.Select(i => i is 2 or 7 ? (float?)null : i % 2).ToArray().AsMemory());
            await group.WriteAsync<int>(b, new int[size].AsMemory());
            await group.WriteAsync(name, rows.Select(i => $"p{i}").ToArray());
            first += size;
        }

        return path;
    }

    [Fact]
    public async Task PredictReadsParquetWithItsIdsAndRowNumbers()
    {
        var data = await WriteParquetAsync();

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--id-column", "name", "--max-missing", "0");

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = new[] { 1, 3, 4, 5, 6, 8, 9 }.Select(i => $"{i},p{i},{i % 3},{i % 2},0");
        Assert.Equal(["row,name,bmu_x,bmu_y,distance", .. expected], Lines(run.Out));
        Assert.Equal($"{data}: 0 missing value(s) in the rows kept; 2 row(s) skipped for having more than 0 of their features missing (--max-missing).\n", run.Error);
    }

    [Fact]
    public async Task ParquetTrainsWithTheSchemasNamesAndStreamsToTheSameModel()
    {
        var data = await WriteParquetAsync();
        string[] common = ["--data", data, "--epochs", "3", "--width", "3", "--height", "2", "--seed", "4", "--no-track", "--no-plots", "--max-missing", "0", "--json"];

        var whole = await CliRun.InvokeAsync(["train", .. common, "--out", PathOf("whole.som")]);
        var streamed = await CliRun.InvokeAsync(["train", .. common, "--out", PathOf("streamed.som"), "--batch-size", "2"]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        var model = SomFile.Load(PathOf("whole.som"));
        Assert.Equal(["r", "g", "b"], model.FeatureNames);
        Assert.Equal(model.Codebook.ToArray(), SomFile.Load(PathOf("streamed.som")).Codebook.ToArray());
        using var json = JsonDocument.Parse(streamed.Out);
        Assert.Equal(7, json.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("data").GetProperty("skipped_rows").GetInt64());
    }

    [Fact]
    public async Task PlotDrawsTheHitsOfAParquetFile()
    {
        var data = await WriteParquetAsync();

        var run = await CliRun.InvokeAsync("plot", "--model", HandMadeModel(), "--kind", "hits", "--data", data, "--max-missing", "0", "--out", PathOf("hits.png"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(new FileInfo(PathOf("hits.png")).Length > 0);
    }

    [Fact]
    public async Task ANamesFileBesideANpyArrayNamesItsFeatures()
    {
        var npy = PathOf("rows.npy");
        NpyFile.Write(npy, DataMatrix.FromRows([[0f, 1f, 0f], [2f, 0f, 0f], [1f, 1f, 0f], [0f, 0f, 0f]]));
        File.WriteAllText(PathOf("rows.names.txt"), "red\ngreen\nblue\n\n");
        string[] common = ["--data", npy, "--epochs", "2", "--width", "2", "--height", "2", "--sigma", "1.5", "--seed", "1", "--no-track", "--no-plots"];

        var whole = await CliRun.InvokeAsync(["train", .. common, "--out", PathOf("whole.som")]);
        var streamed = await CliRun.InvokeAsync(["train", .. common, "--out", PathOf("streamed.som"), "--batch-size", "3"]);
        File.WriteAllText(PathOf("rows.names.txt"), "red\ngreen\n");
        var wrong = await CliRun.InvokeAsync(["train", .. common, "--out", PathOf("wrong.som")]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        Assert.Equal(["red", "green", "blue"], SomFile.Load(PathOf("whole.som")).FeatureNames);
        Assert.Equal(["red", "green", "blue"], SomFile.Load(PathOf("streamed.som")).FeatureNames);
        Assert.Equal((2, $"error: {PathOf("rows.names.txt")}: 2 name(s), but rows.npy has 3 column(s); give one name per line, one per column.\n"), (wrong.ExitCode, wrong.Error));
    }
}
