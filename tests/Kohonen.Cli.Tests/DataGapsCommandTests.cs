using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Kohonen.Cli.Tests;

/// <summary>The gaps of real tables: missing categories counted with the numbers, categorical columns
/// streamed to the same model as read whole, impute writing every row with its number, empty labels
/// as unlabelled rows, and --header yes on a row that looks like data. Expected counts are worked out
/// by hand from each file's text.</summary>
public class DataGapsCommandTests : ScratchFolder
{
    /// <summary>One numeric cell (row 3's width) and two categories (row 2's empty, row 4's NA) missing.</summary>
    private const string Holes = "length,colour,width\n1.0,red,0.5\n1.2,,0.4\n5.0,blue,\n5.5,NA,1.4\n3.0,green,0.9\n3.1,green,1.0\n";

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');

    [Fact]
    public async Task ARunIsChosenByADataFileWithACategoryColumnAndItsHoles()
    {
        var data = WriteFile("holes.csv", Holes);
        var store = PathOf("store");
        string[] common = ["train", "--data", data, "--categorical", "colour", "--width", "3", "--height", "2", "--iterations", "5", "--seed", "1", "--store", store, "--no-plots", "-q"];
        var minmax = await CliRun.InvokeAsync([.. common, "--scale", "minmax", "--json"]);
        var zscore = await CliRun.InvokeAsync([.. common, "--scale", "zscore", "--json"]);
        Assert.True(minmax.ExitCode == 0 && zscore.ExitCode == 0, minmax.ToString() + zscore);

        var best = await CliRun.InvokeAsync("runs", "best", "--store", store, "--data", data);
        var predicted = await CliRun.InvokeAsync("predict", "--store", store, "--data", data);

        // Both runs are on this file, in different scalings: ranked by the QE in the data's units,
        // which rows with holes (and a missing category) measure over their present features.
        Assert.True(best.ExitCode == 0, best.ToString());
        Assert.Contains("lowest data_quantization_error", best.Out, StringComparison.Ordinal);
        Assert.Contains("of 2 comparable runs on holes.csv", best.Out, StringComparison.Ordinal);
        Assert.True(predicted.ExitCode == 0, predicted.ToString());
        Assert.Equal(7, Lines(predicted.Out).Length);
    }

    [Fact]
    public async Task MissingCategoriesAreCountedWithTheNumericCellsInTrainPredictAndJson()
    {
        var data = WriteFile("holes.csv", Holes);
        string[] common = ["train", "--data", data, "--categorical", "colour", "--width", "3", "--height", "2", "--iterations", "5", "--seed", "1", "--no-track", "--no-plots"];

        var said = await CliRun.InvokeAsync([.. common, "--out", PathOf("m.som")]);
        var json = await CliRun.InvokeAsync([.. common, "--out", PathOf("j.som"), "--json"]);
        var predicted = await CliRun.InvokeAsync("predict", "--model", PathOf("m.som"), "--data", data);

        Assert.True(said.ExitCode == 0, said.ToString());
        var notice = $"{data}: 3 missing value(s) (1 numeric, 2 categorical) in the rows kept; 0 row(s) skipped for having more than 0.5 of their features missing (--max-missing).\n";
        Assert.Contains(notice, said.Error, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        var read = document.RootElement.GetProperty("data");
        Assert.Equal(3, read.GetProperty("missing_cells").GetInt64());
        Assert.Equal(2, read.GetProperty("missing_categorical_cells").GetInt64());
        Assert.True(predicted.ExitCode == 0, predicted.ToString());
        Assert.Contains(notice, predicted.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NumericHolesAloneAreSaidAsBefore()
    {
        var data = WriteFile("n.csv", "a,b\n1,\n2,3\n4,5\n");

        var run = await CliRun.InvokeAsync("train", "--data", data, "--width", "3", "--height", "2", "--iterations", "2", "--seed", "1", "--no-track", "--no-plots", "--out", PathOf("m.som"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{data}: 1 missing value(s) in the rows kept; 0 row(s) skipped for having more than 0.5 of their features missing (--max-missing).\n", run.Error, StringComparison.Ordinal);
    }

    /// <summary>120 rows: x, y numbers (some missing), a colour among four (some missing), a label
    /// (some empty).</summary>
    private string StreamTable()
    {
        var random = new Random(11);
        string[] colours = ["red", "green", "blue", "amber"];
        var lines = Enumerable.Range(0, 120).Select(i =>
        {
            var c = random.Next(4);
            var x = i % 17 == 3 ? "" : ((c * 2) + random.NextDouble()).ToString("R", CultureInfo.InvariantCulture);
            var y = random.NextDouble().ToString("R", CultureInfo.InvariantCulture);
            var colour = i % 13 == 5 ? "NA" : colours[c];
            var label = i % 11 == 7 ? "" : c < 2 ? "warm" : "cold";
            return $"{x},{colour},{y},{label}";
        });
        return WriteFile("stream.csv", "x,colour,y,label\n" + string.Join('\n', lines) + "\n");
    }

    [Fact]
    public async Task ACategoricalCsvStreamsToTheSameModelFileAsReadWhole()
    {
        var data = StreamTable();
        string[] common = ["train", "--data", data, "--categorical", "colour", "--label-column", "label", "--categorical-weight", "1.5", "--scale", "minmax",
            "--epochs", "4", "--width", "4", "--height", "3", "--seed", "6", "--no-track", "--no-plots", "--json"];

        var whole = await CliRun.InvokeAsync([.. common, "--out", PathOf("whole.som")]);
        var streamed = await CliRun.InvokeAsync([.. common, "--batch-size", "7", "--out", PathOf("streamed.som")]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        var model = SomFile.Load(PathOf("streamed.som"));
        Assert.Equal(["x", "y", "colour = amber", "colour = blue", "colour = green", "colour = red"], model.FeatureNames);
        Assert.Equal(File.ReadAllBytes(PathOf("whole.som")), File.ReadAllBytes(PathOf("streamed.som")));
        using var a = JsonDocument.Parse(whole.Out);
        using var b = JsonDocument.Parse(streamed.Out);
        var wholeData = a.RootElement.GetProperty("data");
        var streamedData = b.RootElement.GetProperty("data");
        // x is blank on rows i % 17 == 3 (i = 3, 20, …, 105: 7), the colour NA on i % 13 == 5 (i = 5,
        // …, 109: 9), the label empty on i % 11 == 7 (i = 7, …, 117: 11).
        Assert.Equal(16, streamedData.GetProperty("missing_cells").GetInt64());
        Assert.Equal(9, streamedData.GetProperty("missing_categorical_cells").GetInt64());
        Assert.Equal(11, streamedData.GetProperty("unlabelled_rows").GetInt64());
        Assert.Equal(wholeData.GetRawText(), streamedData.GetRawText());
    }

    [Fact]
    public async Task ACategoricalParquetFileStreamsByRowGroupToTheSameModelFileAsReadWhole()
    {
        var path = PathOf("rows.parquet");
        var x = new DataField<double>("x");
        var colour = new DataField<string>("colour");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(x, colour), stream);
            var first = 0;
            foreach (var size in new[] { 5, 4, 6 })
            {
                var rows = Enumerable.Range(first, size).ToArray();
                using var group = writer.CreateRowGroup();
                await group.WriteAsync<double>(x, rows.Select(i => (double)(i % 5)).ToArray().AsMemory());
                // Each row group holds its own categories ("c" only in the last), and a null.
                await group.WriteAsync(colour, rows.Select(i => i == 7 ? null! : i < 9 ? (i % 2 == 0 ? "a" : "b") : "c").ToArray());
                first += size;
            }
        }

        string[] common = ["train", "--data", path, "--categorical", "colour", "--epochs", "3", "--width", "3", "--height", "2", "--seed", "4", "--no-track", "--no-plots", "--quiet"];
        var whole = await CliRun.InvokeAsync([.. common, "--out", PathOf("whole.som")]);
        var streamed = await CliRun.InvokeAsync([.. common, "--batch-size", "2", "--out", PathOf("streamed.som")]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        Assert.Equal(["a", "b", "c"], SomFile.Load(PathOf("streamed.som")).Encoder!.Categories[1]);
        Assert.Equal(File.ReadAllBytes(PathOf("whole.som")), File.ReadAllBytes(PathOf("streamed.som")));
    }

    [Fact]
    public async Task StreamedCategoriesAreRefusedAsTheWholeReadRefusesThem()
    {
        var data = WriteFile("t.csv", "a,colour\n1,red\n2,\n3,blue\n");
        var empty = WriteFile("e.csv", "a,colour\n1,\n2,NA\n");
        string[] common = ["train", "--categorical", "colour", "--epochs", "2", "--width", "3", "--height", "2", "--no-track", "--no-plots", "--out", PathOf("m.som")];

        var refused = await CliRun.InvokeAsync([.. common, "--data", data, "--missing", "error", "--batch-size", "2"]);
        var refusedWhole = await CliRun.InvokeAsync([.. common, "--data", data, "--missing", "error"]);
        var none = await CliRun.InvokeAsync([.. common, "--data", empty, "--batch-size", "2"]);
        var noneWhole = await CliRun.InvokeAsync([.. common, "--data", empty]);

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"error: {data}, data row 2, column 'colour': the category is missing; missing values are refused here (--missing error).\n", refused.Error);
        Assert.Equal(refused.Error, refusedWhole.Error);
        Assert.Equal(2, none.ExitCode);
        Assert.EndsWith("error: --categorical: Categorical column 'colour' has no values, only empty cells.\n", none.Error, StringComparison.Ordinal);
        Assert.Equal(2, noneWhole.ExitCode);
        Assert.EndsWith("error: --categorical: Categorical column 'colour' has no values, only empty cells.\n", noneWhole.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("m.som")));
    }

    [Fact]
    public async Task ImputeWritesEveryRowInOrderWithItsNumberAndLeavesTheHolesOfAnEmptyRow()
    {
        var data = WriteFile("t.csv", "length,colour,width\n1.0,red,0.5\n1.2,red,0.4\n5.0,blue,1.5\n5.5,blue,1.4\n3.0,green,0.9\n3.1,green,1.0\n");
        var model = PathOf("m.som");
        var trained = await CliRun.InvokeAsync("train", "--data", data, "--categorical", "colour", "--width", "3", "--height", "2", "--iterations", "20", "--seed", "4", "--no-track", "--no-plots", "--quiet", "--out", model);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        // Row 2 has nothing to place it by; row 4 has both numbers missing (training's --max-missing would
        // skip it), but its colour places it; row 5's unseen colour and missing width leave only its length.
        var holes = WriteFile("holes.csv", "length,colour,width\n1.0,red,0.5\n,,\n5.1,,\n,blue,\n2.9,purple,\n");

        var run = await CliRun.InvokeAsync("impute", "--model", model, "--data", holes, "--out", PathOf("filled.csv"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = Lines(File.ReadAllText(PathOf("filled.csv")));
        Assert.Equal(6, lines.Length);
        Assert.Equal("row,length,colour,width", lines[0]);
        Assert.Equal(["1", "2", "3", "4", "5"], lines[1..].Select(l => l.Split(',')[0]));
        Assert.Equal("1,1,red,0.5", lines[1]);
        Assert.Equal("2,,,", lines[2]);
        var filled = lines[4].Split(',');
        Assert.Equal("blue", filled[2]);
        Assert.All([filled[1], filled[3]], cell => Assert.True(float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _), lines[4]));
        Assert.NotEqual("purple", lines[5].Split(',')[2]);
        Assert.Contains($"{holes}: 1 row(s) have every feature missing (row 2): a map cannot place them, so they are written with their holes left.\n", run.Error, StringComparison.Ordinal);
        Assert.Contains("in 5 rows", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImputeKeepsARowWithAnUnseenCategoryAndNothingElseAsItWasRead()
    {
        var data = WriteFile("t.csv", "length,colour\n1.0,red\n5.0,blue\n1.1,red\n5.2,blue\n");
        var model = PathOf("m.som");
        var trained = await CliRun.InvokeAsync("train", "--data", data, "--categorical", "colour", "--width", "3", "--height", "2", "--iterations", "10", "--seed", "4", "--no-track", "--no-plots", "--quiet", "--out", model);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var holes = WriteFile("holes.csv", "length,colour\n,purple\n1.0,red\n");

        var run = await CliRun.InvokeAsync("impute", "--model", model, "--data", holes, "--out", PathOf("filled.csv"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("row,length,colour\n1,,purple\n2,1,red\n", File.ReadAllText(PathOf("filled.csv")));
    }

    [Fact]
    public async Task ImputeCarriesTheIdColumnsThroughUnchanged()
    {
        // A 2×1 map: node 0 at (0, 0), node 1 at (10, 10) in features a, b.
        SomFile.Save(SomModel.Create(new Grid(2, 1), [0f, 0f, 10f, 10f], 2, ["a", "b"]), PathOf("m.som"));
        var holes = WriteFile("holes.csv", "id,a,species,b\nk1,9.5,\"virginica, tall\",\nk2,,setosa,0.2\n");

        var run = await CliRun.InvokeAsync("impute", "--model", PathOf("m.som"), "--data", holes, "--id-column", "id", "--id-column", "species", "--out", PathOf("filled.csv"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("row,id,species,a,b\n1,k1,\"virginica, tall\",9.5,10\n2,k2,setosa,0,0.2\n", File.ReadAllText(PathOf("filled.csv")));
    }

    [Fact]
    public async Task ImputeRefusesMaxMissingSayingWhy()
    {
        var data = WriteFile("t.csv", "a,b\n1,2\n");

        var run = await CliRun.InvokeAsync("impute", "--model", PathOf("none.som"), "--data", data, "--out", PathOf("f.csv"), "--max-missing", "0.2");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --max-missing does not apply to impute: every row is written, filled from its BMU when any of its features is present, and a row with every feature missing is written with its holes left.\n", run.Error);
    }

    /// <summary>Two groups, x near (0.1, 0.1) and y near (0.9, 0.9); rows 2 and 6 have no label.</summary>
    private const string Labelled = "a,b,kind\n0.1,0.2,x\n0.2,0.1,\n0.9,0.8,y\n0.8,0.9,y\n0.15,0.1,x\n0.85,0.8,\n";

    [Fact]
    public async Task AnEmptyLabelTrainsTheMapButGivesNoVoteAndIsCounted()
    {
        var data = WriteFile("l.csv", Labelled);
        string[] common = ["train", "--data", data, "--label-column", "kind", "--width", "3", "--height", "2", "--iterations", "20", "--seed", "3", "--no-track", "--no-plots"];

        var said = await CliRun.InvokeAsync([.. common, "--out", PathOf("m.som")]);
        var json = await CliRun.InvokeAsync([.. common, "--out", PathOf("j.som"), "--json"]);

        Assert.True(said.ExitCode == 0, said.ToString());
        Assert.Contains($"{data}: 2 row(s) have an empty label (kind): they train the map but give no vote to the node labels.\n", said.Error, StringComparison.Ordinal);
        Assert.Contains("Trained a 3×2 rectangular map on 6 rows", said.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(2, document.RootElement.GetProperty("data").GetProperty("unlabelled_rows").GetInt64());

        // The labels: each labelled row's vote at its BMU, nothing from rows 2 and 6.
        var model = SomFile.Load(PathOf("m.som"));
        Assert.Equal(["x", "y"], model.Labels!.Classes);
        var labelled = new DataMatrix([0.1f, 0.2f, 0.9f, 0.8f, 0.8f, 0.9f, 0.15f, 0.1f], 4, 2, ["a", "b"]);
        var expected = new float[model.Grid.NodeCount * 2];
        var bmus = model.FindBmus(labelled);
        foreach (var (bmu, label) in bmus.Zip(new[] { 0, 1, 1, 0 }))
        {
            expected[(bmu.Index * 2) + label] += 1;
        }

        Assert.Equal(expected, model.Labels.Weights.ToArray());

        // The training accuracy is over the labelled rows only.
        var correct = bmus.Zip(new[] { "x", "y", "y", "x" }).Count(p => model.Labels.LabelOf(p.First.Index) == p.Second);
        Assert.Equal(correct / 4.0, document.RootElement.GetProperty("training_accuracy").GetDouble(), 12);
    }

    [Fact]
    public async Task EveryLabelEmptyOrSupervisedWithAnEmptyLabelIsRefused()
    {
        var none = WriteFile("none.csv", "a,kind\n1,\n2,\n");
        var some = WriteFile("some.csv", Labelled);

        var empty = await CliRun.InvokeAsync("train", "--data", none, "--label-column", "kind", "--iterations", "2", "--no-track", "--no-plots", "--out", PathOf("m.som"));
        var supervised = await CliRun.InvokeAsync("train", "--data", some, "--label-column", "kind", "--supervised", "--iterations", "2", "--no-track", "--no-plots", "--out", PathOf("m.som"));

        Assert.Equal(2, empty.ExitCode);
        Assert.Equal("error: --label-column kind: every row's label is empty, so there is nothing to label the nodes with; choose the column that holds the labels.\n", empty.Error);
        Assert.Equal(2, supervised.ExitCode);
        Assert.Equal("error: --supervised trains with every row's label; 2 row(s) have an empty label (kind). Fill them, or train without --supervised (unlabelled rows then train the map and give no vote to the node labels).\n", supervised.Error);
        Assert.False(File.Exists(PathOf("m.som")));
    }

    [Fact]
    public async Task EvaluateCountsTheRowsWithoutALabelAndScoresTheOthers()
    {
        var data = WriteFile("l.csv", Labelled);
        var model = PathOf("m.som");
        var trained = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "kind", "--width", "3", "--height", "2", "--iterations", "20", "--seed", "3", "--no-track", "--no-plots", "--quiet", "--out", model);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        // Rows 1 and 3 are labelled wrongly on purpose, row 4 has no label.
        var test = WriteFile("test.csv", "a,b,kind\n0.1,0.2,y\n0.9,0.8,y\n0.12,0.1,y\n0.8,0.85,\n");

        var text = await CliRun.InvokeAsync("evaluate", "--model", model, "--data", test, "--label-column", "kind");
        var json = await CliRun.InvokeAsync("evaluate", "--model", model, "--data", test, "--label-column", "kind", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        var loaded = SomFile.Load(model);
        var predicted = loaded.FindBmus(new DataMatrix([0.1f, 0.2f, 0.9f, 0.8f, 0.12f, 0.1f], 3, 2, ["a", "b"])).Select(b => loaded.Labels!.LabelOf(b.Index)).ToArray();
        var correct = predicted.Count(p => p == "y");
        Assert.Contains("unlabelled rows      1 (empty label, not scored)\n", text.Out, StringComparison.Ordinal);
        Assert.Contains($"({correct} of 3)", text.Out, StringComparison.Ordinal);
        Assert.Contains($"{test}: 1 row(s) have an empty label (kind) and cannot be scored; the scores are over the other 3.\n", text.Error, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(4, document.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(1, document.RootElement.GetProperty("unlabelled_rows").GetInt32());
        Assert.Equal(correct, document.RootElement.GetProperty("correct").GetInt32());
        Assert.Equal(correct / 3.0, document.RootElement.GetProperty("accuracy").GetDouble(), 12);
    }

    [Fact]
    public async Task EvaluateRefusesWhenNoRowHasALabel()
    {
        var data = WriteFile("l.csv", Labelled);
        var model = PathOf("m.som");
        var trained = await CliRun.InvokeAsync("train", "--data", data, "--label-column", "kind", "--width", "3", "--height", "2", "--iterations", "5", "--seed", "3", "--no-track", "--no-plots", "--quiet", "--out", model);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var test = WriteFile("test.csv", "a,b,kind\n0.1,0.2,\n");

        var run = await CliRun.InvokeAsync("evaluate", "--model", model, "--data", test, "--label-column", "kind");

        Assert.Equal(2, run.ExitCode);
        Assert.EndsWith($"error: --label-column kind: every row's label in {test} is empty, so no row can be scored.\n", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderYesOnARowOfNumbersIsHonouredAndSaid()
    {
        var data = WriteFile("n.csv", "5.1,3.5\n4.9,3.0\n6.0,2.0\n5.5,2.5\n");
        var named = WriteFile("h.csv", "a,b\n4.9,3.0\n6.0,2.0\n5.5,2.5\n");
        string[] common = ["train", "--header", "yes", "--width", "3", "--height", "2", "--iterations", "2", "--seed", "1", "--no-track", "--no-plots"];

        var said = await CliRun.InvokeAsync([.. common, "--data", data, "--out", PathOf("m.som")]);
        var json = await CliRun.InvokeAsync([.. common, "--data", data, "--out", PathOf("j.som"), "--json"]);
        var plain = await CliRun.InvokeAsync([.. common, "--data", named, "--out", PathOf("p.som"), "--json"]);

        Assert.True(said.ExitCode == 0, said.ToString());
        Assert.Contains($"{data}: --header yes took the first row as the header (5.1, 3.5), but its feature columns hold only numbers, so it looks like data; give --header no (or auto) if it is.\n", said.Error, StringComparison.Ordinal);
        Assert.Contains("on 3 rows", said.Out, StringComparison.Ordinal);
        Assert.Equal(["5.1", "3.5"], SomFile.Load(PathOf("m.som")).FeatureNames);
        using var a = JsonDocument.Parse(json.Out);
        Assert.True(a.RootElement.GetProperty("data").GetProperty("header_looks_like_data").GetBoolean());
        using var b = JsonDocument.Parse(plain.Out);
        Assert.False(b.RootElement.GetProperty("data").GetProperty("header_looks_like_data").GetBoolean());
    }

    [Fact]
    public async Task HeaderYesOnARowOfNumbersIsSaidByPredictToo()
    {
        // A map trained with --header yes on a file whose first row is numbers is named by them; predict
        // reads the file the same way and says so again.
        var data = WriteFile("n.csv", "4.9,3.0\n6.0,2.0\n5.5,2.5\n4.0,1.0\n");
        var model = PathOf("m.som");
        var trained = await CliRun.InvokeAsync("train", "--data", data, "--header", "yes", "--width", "3", "--height", "2", "--iterations", "2", "--seed", "1", "--no-track", "--no-plots", "--quiet", "--out", model);
        Assert.True(trained.ExitCode == 0, trained.ToString());

        var run = await CliRun.InvokeAsync("predict", "--model", model, "--data", data, "--header", "yes");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(4, Lines(run.Out).Length);
        Assert.Equal($"{data}: --header yes took the first row as the header (4.9, 3.0), but its feature columns hold only numbers, so it looks like data; give --header no (or auto) if it is.\n", run.Error);
    }
}
