using System.Text.Json;

namespace Kohonen.Cli.Tests;

public class TrainCommandTests : ScratchFolder
{
    private const string Colors = "r,g,b,name\n1,0,0,red\n0,1,0,green\n0,0,1,blue\n0.9,0.1,0.1,red2\n1,1,0,yellow\n0.1,0.9,0.2,green2\n";

    [Fact]
    public async Task TrainWritesAModelWhoseFiguresMatchTheJsonSummary()
    {
        var data = WriteFile("colors.csv", Colors);
        var model = PathOf("m.som");

        var run = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "name", "--width", "5", "--height", "4",
            "--iterations", "30", "--topology", "hexagonal", "--seed", "9", "--json", "--out", model);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(5, root.GetProperty("width").GetInt32());
        Assert.Equal(4, root.GetProperty("height").GetInt32());
        Assert.Equal(3, root.GetProperty("dim").GetInt32());
        Assert.Equal("hexagonal", root.GetProperty("topology").GetString());
        Assert.Equal(model, root.GetProperty("output").GetString());
        Assert.True(root.GetProperty("train_seconds").GetDouble() > 0);
        Assert.Equal("", run.Error);

        var loaded = SomFile.Load(model);
        var rows = CsvDataReader.Read(data, new CsvReadOptions { LabelColumn = "name" }).Data;
        Assert.Equal(["r", "g", "b"], loaded.FeatureNames);
        Assert.Equal(9, loaded.Options!.Seed);
        Assert.Equal(loaded.QuantizationError(rows), root.GetProperty("quantization_error").GetDouble(), 12);
        Assert.Equal(loaded.TopographicError(rows), root.GetProperty("topographic_error").GetDouble(), 12);
    }

    [Fact]
    public async Task EpochsTrainsWithTheBatchAlgorithmFromANpyFile()
    {
        var data = PathOf("x.npy");
        NpyFile.Write(data, DataMatrix.FromRows([[0f, 0f], [1f, 1f], [0f, 1f], [1f, 0f], [0.5f, 0.5f]]));

        var run = await CliRun.InvokeAsync("train", "--data", data, "--epochs", "12", "--width", "4", "--height", "4", "--json", "--out", PathOf("m.som"));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("batch", json.RootElement.GetProperty("algorithm").GetString());
        Assert.Equal(12, json.RootElement.GetProperty("iterations").GetInt32());
    }

    [Theory]
    [InlineData(8, "an")]
    [InlineData(11, "an")]
    [InlineData(18, "an")]
    [InlineData(80, "an")]
    [InlineData(10, "a")]
    [InlineData(1, "a")]
    [InlineData(100, "a")]
    [InlineData(1100, "a")]
    public void TheSummarySaysAnBeforeANumberSaidWithAVowel(int width, string article) =>
        Assert.Equal(article, Commands.SummaryPrinter.Article(width));

    [Fact]
    public async Task ProgressGoesToStandardErrorAsPlainLinesAndTheSummaryToStandardOutput()
    {
        var data = WriteFile("colors.csv", Colors);

        var run = await CliRun.InvokeAsync("train", "--data", data, "--columns", "r,g", "b", "--label-column", "name", "--iterations", "20", "--seed", "3", "--threads", "1", "--out", PathOf("m.som"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Read 6 rows × 3 features (r, g, b)", run.Error, StringComparison.Ordinal);
        Assert.Contains("train: 20/20 (100%)", run.Error, StringComparison.Ordinal);
        Assert.StartsWith("Trained a 10×10 rectangular map on 6 rows × 3 features (online, 20 iterations, seed 3, 1 thread).", run.Out, StringComparison.Ordinal);
        Assert.Contains("quantization error", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--width", "0" }, "error: --width must be in 1..65536; got 0.")]
    [InlineData(new[] { "--learning-rate", "2" }, "error: --learning-rate must be in (0, 1]; got 2.")]
    [InlineData(new[] { "--threads", "0" }, "error: --threads must be in 1..1024; got 0.")]
    [InlineData(new[] { "--neighborhood", "gauss" }, "error: --neighborhood: unknown value 'gauss'; allowed: gaussian, bubble, mexican-hat, triangle.")]
    [InlineData(new[] { "--width", "2", "--height", "2" }, "error: --sigma: The exponential-classic decay needs Sigma > 1")]
    [InlineData(new[] { "--iterations", "5", "--epochs", "5" }, "error: --iterations and --epochs are two names for the number of passes")]
    [InlineData(new[] { "--epochs", "5", "--algorithm", "online" }, "error: --epochs goes with --algorithm batch")]
    [InlineData(new[] { "--algorithm", "batch", "--neighborhood", "mexican-hat" }, "error: --neighborhood: The batch algorithm needs a non-negative neighbourhood")]
    [InlineData(new[] { "--width", "ten" }, "error: Cannot parse argument 'ten' for option '--width'")]
    public async Task BadOptionsExitWithTwoAndNameTheFlag(string[] extra, string message)
    {
        var data = WriteFile("colors.csv", Colors);

        var run = await CliRun.InvokeAsync(["train", "--data", data, "--label-column", "name", "--out", PathOf("m.som"), .. extra]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(message, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("m.som")));
    }

    [Fact]
    public async Task ABadCellIsReportedWithItsLineAndColumnAndExitTwo()
    {
        var data = WriteFile("bad.csv", "a,b\n1,2\n3,x\n");

        var run = await CliRun.InvokeAsync("train", "--data", data, "--out", PathOf("m.som"));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {data}, line 3, column 2 ('b'): 'x' is not a number. A column of text can be a label (--label-column), a category one-hot encoded in the map (train --categorical) or an id carried through (predict --id-column); or leave it out by naming the features with --columns.\n", run.Error);
    }

    [Fact]
    public async Task MissingFilesAndFoldersAreUsageErrors()
    {
        var data = WriteFile("colors.csv", Colors);

        var noData = await CliRun.InvokeAsync("train", "--data", PathOf("nope.csv"), "--out", PathOf("m.som"));
        var noFolder = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "name", "--out", PathOf("missing/m.som"));
        var badExtension = await CliRun.InvokeAsync("train", "--data", WriteFile("x.json", "?"), "--out", PathOf("m.som"));
        var notParquet = await CliRun.InvokeAsync("train", "--data", WriteFile("x.parquet", "?"), "--out", PathOf("m.som"));
        var missingRequired = await CliRun.InvokeAsync("train", "--out", PathOf("m.som"), "--data");
        var keptNowhere = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "name", "--no-track");

        Assert.Equal((2, $"error: --data: the file '{PathOf("nope.csv")}' does not exist.\n"), (noData.ExitCode, noData.Error));
        Assert.Equal((2, $"error: --out: the folder of '{PathOf("missing/m.som")}' does not exist.\n"), (noFolder.ExitCode, noFolder.Error));
        Assert.Equal(2, badExtension.ExitCode);
        Assert.Contains("unknown extension '.json'; allowed: .csv, .tsv, .txt, .npy, .parquet", badExtension.Error, StringComparison.Ordinal);
        Assert.Equal(2, notParquet.ExitCode);
        Assert.StartsWith($"error: {PathOf("x.parquet")}: not a readable Parquet file", notParquet.Error, StringComparison.Ordinal);
        Assert.Equal(2, missingRequired.ExitCode);
        Assert.Contains("Required argument missing for option: '--data'.", missingRequired.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'kohonen train --help' for usage.", missingRequired.Error, StringComparison.Ordinal);
        Assert.Equal((2, "error: --no-track needs --out: otherwise the model would be kept nowhere.\n"), (keptNowhere.ExitCode, keptNowhere.Error));
    }

    [Fact]
    public async Task CancellingATrainingExitsWith130AndLeavesNoModelOrTemporaryFile()
    {
        var data = WriteFile("colors.csv", Colors);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var run = await CliRun.InvokeAsync(cancellation.Token, "train", "--data", data, "--label-column", "name", "--width", "60", "--height", "60",
            "--iterations", "10000000", "--out", PathOf("m.som"));

        Assert.Equal(130, run.ExitCode);
        Assert.Contains("Interrupted; nothing was written", run.Error, StringComparison.Ordinal);
        Assert.Equal([PathOf("colors.csv")], Directory.GetFiles(Folder));
    }
}

public class StreamedTrainCommandTests : ScratchFolder
{
    private string ClustersNpy()
    {
        var random = new Random(8);
        var values = Enumerable.Range(0, 3000 * 4).Select(i => (float)((i % 4 == 0 ? random.Next(3) * 4 : 0) + random.NextDouble())).ToArray();
        var path = PathOf("clusters.npy");
        NpyFile.Write(path, new DataMatrix(values, 3000, 4));
        return path;
    }

    [Fact]
    public async Task BatchSizeStreamsTheFileAndGivesTheSameModelFileAsReadingItWhole()
    {
        var data = ClustersNpy();
        string[] common = ["train", "--data", data, "--epochs", "6", "--width", "8", "--height", "6", "--seed", "2", "--scale", "minmax", "--no-track", "--json"];

        var whole = await CliRun.InvokeAsync([.. common, "--out", PathOf("whole.som")]);
        var streamed = await CliRun.InvokeAsync([.. common, "--batch-size", "250", "--out", PathOf("streamed.som")]);
        var fromSetting = await CliRun.InvokeAsync(new Settings.CliEnvironment(Folder, new Dictionary<string, string?> { ["SOM_BATCH_SIZE"] = "7" }), [.. common, "--out", PathOf("setting.som")]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        Assert.True(fromSetting.ExitCode == 0, fromSetting.ToString());
        Assert.Equal(File.ReadAllBytes(PathOf("whole.som")), File.ReadAllBytes(PathOf("streamed.som")));
        Assert.Equal(File.ReadAllBytes(PathOf("whole.som")), File.ReadAllBytes(PathOf("setting.som")));
        using var a = JsonDocument.Parse(whole.Out);
        using var b = JsonDocument.Parse(streamed.Out);
        Assert.Equal(a.RootElement.GetProperty("quantization_error").GetDouble(), b.RootElement.GetProperty("quantization_error").GetDouble());
        Assert.Equal(3000, b.RootElement.GetProperty("rows").GetInt32());
        Assert.False(File.Exists(PathOf("streamed.hits.png")), "the hit map needs the rows in memory");
        Assert.True(File.Exists(PathOf("streamed.umatrix.png")));
    }

    /// <summary>A CSV file streams too: converted a chunk at a time into a temporary .npy that is gone
    /// afterwards; the model is the one trained on the CSV read whole, column names and labels included.</summary>
    /// <summary>A target column streams too: the node means and spreads are those of the whole read.</summary>
    [Fact]
    public async Task BatchSizeKeepsTheSameTargetAsTheWholeRead()
    {
        var random = new Random(5);
        var lines = Enumerable.Range(0, 700).Select(i =>
        {
            var x = random.NextDouble();
            return FormattableString.Invariant($"{x:R},{random.NextDouble():R},{(3 * x) + (i % 5):R}");
        });
        var csv = WriteFile("priced.csv", "x,y,price\n" + string.Join('\n', lines) + "\n");
        string[] common = ["train", "--data", csv, "--target-column", "price", "--epochs", "4", "--width", "4", "--height", "3",
            "--seed", "2", "--no-track", "--no-plots", "--quiet"];

        var whole = await CliRun.InvokeAsync([.. common, "--out", PathOf("whole.som")]);
        var streamed = await CliRun.InvokeAsync([.. common, "--batch-size", "64", "--out", PathOf("streamed.som")]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        var a = SomFile.Load(PathOf("whole.som")).Targets!;
        var b = SomFile.Load(PathOf("streamed.som")).Targets!;
        Assert.Equal("price", b.Name);
        Assert.All(Enumerable.Range(0, 12), n => Assert.Equal((a.TargetOf(n), a.SpreadOf(n)), (b.TargetOf(n), b.SpreadOf(n))));
        Assert.Equal(File.ReadAllBytes(PathOf("whole.som")), File.ReadAllBytes(PathOf("streamed.som")));
    }

    [Fact]
    public async Task BatchSizeStreamsACsvFileThroughATemporaryNpyAndGivesTheSameModelFile()
    {
        var random = new Random(3);
        var lines = Enumerable.Range(0, 1500).Select(i => FormattableString.Invariant($"{random.Next(3) * 4 + random.NextDouble():R},{random.NextDouble():R},skip,{random.NextDouble():R},c{i % 3}"));
        var csv = WriteFile("rows.csv", "red,green,unused,blue,label\n" + string.Join('\n', lines) + "\n");
        string[] common = ["train", "--data", csv, "--columns", "red,green,blue", "--label-column", "label", "--epochs", "5", "--width", "7", "--height", "5",
            "--seed", "4", "--scale", "zscore", "--no-track", "--no-plots"];

        var whole = await CliRun.InvokeAsync([.. common, "--json", "--out", PathOf("whole.som")]);
        var streamed = await CliRun.InvokeAsync([.. common, "--batch-size", "100", "--out", PathOf("streamed.som")]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        // Streamed, the labels are counted by one more pass over the chunks: the same labels as read whole.
        var wholeModel = SomFile.Load(PathOf("whole.som"));
        var streamedModel = SomFile.Load(PathOf("streamed.som"));
        Assert.Equal(["c0", "c1", "c2"], wholeModel.Labels!.Classes);
        Assert.Equal(wholeModel.Labels.Classes, streamedModel.Labels!.Classes);
        Assert.Equal(wholeModel.Labels.Weights.ToArray(), streamedModel.Labels.Weights.ToArray());
        Assert.Equal(1500f, streamedModel.Labels.Weights.ToArray().Sum());
        Assert.Equal(File.ReadAllBytes(PathOf("whole.som")), File.ReadAllBytes(PathOf("streamed.som")));
        var temporary = System.Text.RegularExpressions.Regex.Match(streamed.Error, @"into (\S+kohonen-stream-\w+\.npy)").Groups[1].Value;
        Assert.NotEqual("", temporary);
        Assert.False(File.Exists(temporary), $"{temporary} is left behind");
        var info = await CliRun.InvokeAsync("info", "--model", PathOf("streamed.som"));
        Assert.Contains("features       red, green, blue\n", info.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadCellInAStreamedCsvIsReportedWithItsLineAndNothingIsLeftBehind()
    {
        var rows = Enumerable.Range(0, 300).Select(i => i == 250 ? "0.5,oops" : FormattableString.Invariant($"{i / 300.0:R},{(i % 7) / 7.0:R}"));
        var csv = WriteFile("bad.csv", "a,b\n" + string.Join('\n', rows) + "\n");

        var run = await CliRun.InvokeAsync("train", "--data", csv, "--batch-size", "64", "--no-track", "--out", PathOf("m.som"));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"{csv}, line 252, column 2 ('b'): 'oops' is not a number", run.Error, StringComparison.Ordinal);
        var temporary = System.Text.RegularExpressions.Regex.Match(run.Error, @"into (\S+kohonen-stream-\w+\.npy)").Groups[1].Value;
        Assert.False(File.Exists(temporary));
        Assert.False(File.Exists(PathOf("m.som")));
    }

    [Fact]
    public async Task BatchSizeRefusesWhatItCannotStream()
    {
        var data = ClustersNpy();
        var json = WriteFile("d.json", "[1, 2]");

        var unknown = await CliRun.InvokeAsync("train", "--data", json, "--batch-size", "10", "--no-track", "--out", PathOf("m.som"));
        var online = await CliRun.InvokeAsync("train", "--data", data, "--batch-size", "10", "--algorithm", "online", "--no-track", "--out", PathOf("m.som"));
        var pca = await CliRun.InvokeAsync("train", "--data", data, "--batch-size", "10", "--init", "pca", "--no-track", "--out", PathOf("m.som"));
        var zero = await CliRun.InvokeAsync("train", "--data", data, "--batch-size", "0", "--no-track", "--out", PathOf("m.som"));
        var noData = await CliRun.InvokeAsync("train", "--batch-size", "10", "--no-track", "--out", PathOf("m.som"));

        Assert.Equal((2, $"error: --data: '{json}' has an unknown extension '.json'; allowed: .csv, .tsv, .txt, .npy, .parquet.\n"), (unknown.ExitCode, unknown.Error));
        Assert.Equal((2, "error: --batch-size streams the data through the batch algorithm; drop --algorithm online.\n"), (online.ExitCode, online.Error));
        Assert.Equal(2, pca.ExitCode);
        Assert.Contains("error: --init pca needs the data in memory", pca.Error, StringComparison.Ordinal);
        Assert.Equal((2, "error: --batch-size must be 1 or more; got 0.\n"), (zero.ExitCode, zero.Error));
        Assert.Equal((2, "error: --batch-size streams a data file: give it as --data FILE (.npy, .csv, .tsv, .txt or .parquet).\n"), (noData.ExitCode, noData.Error));
        Assert.False(File.Exists(PathOf("m.som")));
    }
}
