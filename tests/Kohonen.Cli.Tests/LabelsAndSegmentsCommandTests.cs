using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kohonen.Cli.Tests;

/// <summary>train --label-column/--target-column/--supervised/--clusters, predict's extra columns,
/// evaluate, cluster and segments.</summary>
public class LabelsAndSegmentsCommandTests : ScratchFolder
{
    /// <summary>A 3×1 map with weights 0, 1, 2 in feature v; node 0 holds "a" ×3, node 1 "b" ×1 and
    /// "a" ×1, node 2 nothing (it borrows from node 1); segments {0, 1}, {2}.</summary>
    private string HandMadeModel()
    {
        var grid = new Grid(3, 1);
        var model = SomModel.Create(grid, [0f, 1f, 2f], 1, ["v"])
            .WithLabels(new NodeLabels(grid, ["a", "b"], [3, 0, 1, 1, 0, 0]))
            .WithSegments(new NodeSegments(grid, [0, 0, 1], SegmentMethod.KMeans));
        var path = PathOf("hand.som");
        SomFile.Save(model, path);
        return path;
    }

    /// <summary>Two well separated groups in two features: "low" near (0, 0), "high" near (10, 10).</summary>
    private string TwoGroups(string name, int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("x,y,kind\n");
        for (var r = 0; r < rows; r++)
        {
            var high = r % 2 == 1;
            var centre = high ? 10 : 0;
            text.Append(CultureInfo.InvariantCulture, $"{centre + random.NextDouble():0.###},{centre + random.NextDouble():0.###},{(high ? "high" : "low")}\n");
        }

        return WriteFile(name, text.ToString());
    }

    [Fact]
    public async Task PredictAddsTheRowLabelConfidenceAndSegment()
    {
        var data = WriteFile("in.csv", "v\n0.1\n0.9\n2.2\n");

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);

        Assert.True(run.ExitCode == 0, run.ToString());
        // Node 1 has a and b once each: a tie, to "a" at 0.5; node 2 borrows node 1's.
        Assert.Equal(
            "row,bmu_x,bmu_y,distance,label,label_confidence,segment\n1,0,0,0.1,a,1,0\n2,1,0,0.100000024,a,0.5,0\n3,2,0,0.20000005,a,0.5,1\n",
            run.Out);
    }

    [Fact]
    public async Task PredictCarriesTheIdColumnsAfterTheRowNumber()
    {
        var data = WriteFile("ids.csv", "name,v,code\n\"Smith, J\",0.1,7\n\nLee,2.2,x9\n");
        var model = SomModel.Create(new Grid(3, 1), [0f, 1f, 2f], 1, ["v"]);
        var path = PathOf("plain.som");
        SomFile.Save(model, path);

        var run = await CliRun.InvokeAsync("predict", "--model", path, "--data", data, "--id-column", "name", "--id-column", "code");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("row,name,code,bmu_x,bmu_y,distance\n1,\"Smith, J\",7,0,0,0.1\n2,Lee,x9,2,0,0.20000005\n", run.Out);
    }

    [Fact]
    public async Task AnIdColumnNamedLikePredictsOwnColumnsIsHeadedInput()
    {
        var data = WriteFile("named.csv", "label,v,segment,input_label\nx,0.1,s1,k\ny,2.2,s2,m\n");

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data,
            "--id-column", "label", "--id-column", "segment", "--id-column", "input_label");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n');
        Assert.Equal("row,input_label,input_segment,input_input_label,bmu_x,bmu_y,distance,label,label_confidence,segment", lines[0]);
        Assert.StartsWith("1,x,s1,k,0,0,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictRefusesAnIdColumnOfANpyFileOrAnUnknownOne()
    {
        // A text column and a misspelt id: the id is named before the text fails as a feature.
        var csv = WriteFile("v.csv", "name,w\nA,0.1\n");
        var npy = PathOf("v.npy");
        NpyFile.Write(npy, new DataMatrix([0.1f], 1, 1));

        var unknown = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", csv, "--id-column", "nme");
        var binary = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", npy, "--id-column", "name");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("has no column 'nme'; the columns are: name, w", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, binary.ExitCode);
        Assert.Contains("--id-column applies to CSV, TSV and Parquet files", binary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateCountsTheConfusionMatrixAndPerClassScores()
    {
        // Predictions: 0.1 → a, 0.9 → a, 2.2 → a, 0 → a. Truth a, b, b, a: 2 of 4 right.
        var data = WriteFile("truth.csv", "v,kind\n0.1,a\n0.9,b\n2.2,b\n0,a\n");

        var text = await CliRun.InvokeAsync("evaluate", "--model", HandMadeModel(), "--data", data, "--label-column", "kind");
        var json = await CliRun.InvokeAsync("evaluate", "--model", HandMadeModel(), "--data", data, "--label-column", "kind", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("accuracy             0.5000 (2 of 4)", text.Out, StringComparison.Ordinal);
        var report = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal(0.5, report.GetProperty("accuracy").GetDouble());
        Assert.Equal("[[2,0],[2,0]]", JsonSerializer.Serialize(report.GetProperty("confusion")));
        var classes = report.GetProperty("classes");
        Assert.Equal(0.5, classes[0].GetProperty("precision").GetDouble());
        Assert.Equal(1.0, classes[0].GetProperty("recall").GetDouble());
        Assert.Equal(JsonValueKind.Null, classes[1].GetProperty("precision").ValueKind);
        Assert.Equal(0.0, classes[1].GetProperty("recall").GetDouble());
        // QE: distances 0.1, 0.1, 0.2, 0 → 0.1.
        Assert.Equal(0.1, report.GetProperty("quantization_error").GetDouble(), 5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TrainKeepsLabelsAndSegmentsAndPredictsHeldOutRows(bool supervised)
    {
        var train = TwoGroups("train.csv", 60, 1);
        var test = TwoGroups("test.csv", 20, 2);
        var model = PathOf("m.som");
        string[] args = ["train", "--data", train, "--label-column", "kind", "--clusters", "2", "--width", "4", "--height", "3", "--iterations", "20", "--seed", "3", "--no-track", "--out", model, "--quiet"];

        var trained = await CliRun.InvokeAsync(supervised ? [.. args, "--supervised"] : args);
        var evaluated = await CliRun.InvokeAsync("evaluate", "--model", model, "--data", test, "--label-column", "kind", "--json");
        var predicted = await CliRun.InvokeAsync("predict", "--model", model, "--data", test, "--columns", "x", "y");

        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.True(File.Exists(PathOf("m.labels.png")));
        Assert.True(File.Exists(PathOf("m.segments.png")));
        var loaded = SomFile.Load(model);
        Assert.Equal(2, loaded.Dimension);
        Assert.Equal(["high", "low"], loaded.Labels!.Classes);
        Assert.Equal(2, loaded.Segments!.Count);
        Assert.Equal(1.0, JsonDocument.Parse(evaluated.Out).RootElement.GetProperty("accuracy").GetDouble());
        var lines = predicted.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,bmu_x,bmu_y,distance,label,label_confidence,segment", lines[0]);
        // Rows alternate low, high: their segments alternate too.
        var segments = lines.Skip(1).Select(l => l.Split(',')[6]).ToArray();
        Assert.All(Enumerable.Range(0, segments.Length), i => Assert.Equal(segments[i % 2], segments[i]));
        Assert.NotEqual(segments[0], segments[1]);
    }

    [Fact]
    public async Task TrainKeepsATargetAndEvaluateGivesRmseAndR2()
    {
        var text = new StringBuilder("x,price\n");
        for (var r = 0; r < 40; r++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r % 2 * 10},{(r % 2 * 100) + (r % 4 / 2 * 2)}\n");
        }

        var data = WriteFile("prices.csv", text.ToString());
        var model = PathOf("p.som");

        var trained = await CliRun.InvokeAsync("train", "--data", data, "--target-column", "price", "--width", "2", "--height", "1", "--iterations", "20", "--decay", "linear", "--seed", "1", "--no-track", "--out", model, "--quiet");
        var evaluated = await CliRun.InvokeAsync("evaluate", "--model", model, "--data", data, "--label-column", "price", "--json");

        Assert.True(trained.ExitCode == 0, trained.ToString());
        // Each node holds one x; its prices are 0 or 2 (or 100 or 102) in equal numbers: mean ± 1, so
        // RMSE 1, and R² = 1 − 1/(50² + 1).
        var report = JsonDocument.Parse(evaluated.Out).RootElement;
        Assert.Equal(1.0, report.GetProperty("rmse").GetDouble(), 5);
        Assert.Equal(1 - (1.0 / 2501), report.GetProperty("r2").GetDouble(), 5);
    }

    /// <summary>Rows of x (which decides the target, price = 10·x) and three noise features a, b, c, each
    /// uniform on [0, 1) from <paramref name="seed"/>.</summary>
    private string PricedRows(string name, int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("x,a,b,c,price\n");
        for (var r = 0; r < rows; r++)
        {
            var x = random.NextDouble();
            text.Append(CultureInfo.InvariantCulture, $"{x:0.####},{random.NextDouble():0.####},{random.NextDouble():0.####},{random.NextDouble():0.####},{10 * x:0.####}\n");
        }

        return WriteFile(name, text.ToString());
    }

    /// <summary>200 training and 100 held-out rows of <see cref="PricedRows"/>, a 5×1 map: unsupervised,
    /// the map spreads over the four features alike, and the held-out RMSE of price is 1.68
    /// (price's own spread is 10/√12 ≈ 2.89); supervised, the target layer lays the map out along x and the
    /// RMSE falls to 0.90.</summary>
    [Fact]
    public async Task SupervisedTargetPredictsAHeldOutTargetAtLeastAsWellAndRoundTrips()
    {
        var train = PricedRows("priced.csv", 200, 1);
        var test = PricedRows("priced_test.csv", 100, 2);
        async Task<double> Rmse(string model, bool supervised)
        {
            string[] args = ["train", "--data", train, "--columns", "x", "a", "b", "c", "--target-column", "price", "--width", "5", "--height", "1", "--iterations", "30", "--seed", "4", "--no-track", "--out", model, "--quiet"];
            var trained = await CliRun.InvokeAsync(supervised ? [.. args, "--supervised"] : args);
            Assert.True(trained.ExitCode == 0, trained.ToString());
            var evaluated = await CliRun.InvokeAsync("evaluate", "--model", model, "--data", test, "--columns", "x", "a", "b", "c", "--label-column", "price", "--json");
            Assert.True(evaluated.ExitCode == 0, evaluated.ToString());
            return JsonDocument.Parse(evaluated.Out).RootElement.GetProperty("rmse").GetDouble();
        }

        var plain = await Rmse(PathOf("plain.som"), supervised: false);
        var guided = await Rmse(PathOf("guided.som"), supervised: true);

        Assert.True(guided <= plain, $"supervised RMSE {guided}, unsupervised {plain}");
        Assert.True(guided < 1.5, $"supervised RMSE {guided}");
        var model = SomFile.Load(PathOf("guided.som"));
        Assert.Equal(["x", "a", "b", "c"], model.FeatureNames);
        Assert.Null(model.Labels);
        var again = PathOf("again.som");
        SomFile.Save(model, again);
        var loaded = SomFile.Load(again);
        Assert.Equal("price", loaded.Targets!.Name);
        Assert.Equal(File.ReadAllBytes(PathOf("guided.som")), File.ReadAllBytes(again));
        Assert.All(Enumerable.Range(0, 5), n => Assert.Equal(model.Targets!.TargetOf(n), loaded.Targets.TargetOf(n)));
        // Along a map laid out by x, the node means run in order one way or the other.
        var means = Enumerable.Range(0, 5).Select(n => loaded.Targets.TargetOf(n)).ToArray();
        Assert.True(means.SequenceEqual(means.Order()) || means.SequenceEqual(means.OrderDescending()), string.Join(", ", means));
    }

    [Fact]
    public async Task ClusterWithoutKPrintsTheDaviesBouldinCurveAndKeepsTheBest()
    {
        var grid = new Grid(6, 1);
        var path = PathOf("line.som");
        SomFile.Save(SomModel.Create(grid, [0f, 0.1f, 0.2f, 5f, 5.1f, 5.2f], 1, ["v"]), path);

        var run = await CliRun.InvokeAsync("cluster", "--model", path, "--max-k", "3");

        Assert.True(run.ExitCode == 0, run.ToString());
        // k = 2: mean distance to the centre 0.2/3 in each, centres 5 apart → (2·0.2/3)/5 = 0.0267.
        // Any k = 3 splits a group of three close nodes, whose two parts are at most 0.15 apart.
        Assert.StartsWith("k,davies_bouldin\n2,0.0267\n3,", run.Out, StringComparison.Ordinal);
        Assert.Contains("chosen k = 2", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("largest tried", run.Error, StringComparison.Ordinal);
        Assert.Equal([0, 0, 0, 1, 1, 1], SomFile.Load(path).Segments!.Segments.ToArray());
        Assert.True(File.Exists(PathOf("line.segments.png")));
    }

    [Fact]
    public async Task ClusterSaysWhenTheBestKIsTheEdgeOfTheRangeTried()
    {
        // Three groups of two, far apart: a range that stops at k = 2 keeps its edge (2 groups of 2 +
        // 1 pair each: DB 0.34 against 0.01 at k = 3); the widest range, up to the nodes less one,
        // cannot be widened, so it says nothing whichever k it keeps.
        var path = PathOf("three.som");
        SomFile.Save(SomModel.Create(new Grid(6, 1), [0f, 0.1f, 10f, 10.1f, 20f, 20.1f], 1, ["v"]), path);

        var narrow = await CliRun.InvokeAsync("cluster", "--model", path, "--max-k", "2");
        var widest = await CliRun.InvokeAsync("cluster", "--model", path, "--max-k", "5");

        Assert.True(narrow.ExitCode == 0, narrow.ToString());
        Assert.Contains("chosen k = 2", narrow.Out, StringComparison.Ordinal);
        Assert.Contains("note: k = 2 is the largest tried, and a larger k may score better; try a wider range (--max-k 4) or choose k with --k.", narrow.Error, StringComparison.Ordinal);
        Assert.True(widest.ExitCode == 0, widest.ToString());
        Assert.DoesNotContain("largest tried", widest.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SegmentsPrintsEachSegmentsSizeAndFeatureMeans()
    {
        var data = WriteFile("rows.csv", "v\n0\n0.2\n0.9\n2\n2.4\n");

        var run = await CliRun.InvokeAsync("segments", "--model", HandMadeModel(), "--data", data);

        Assert.True(run.ExitCode == 0, run.ToString());
        // Segment 0 (nodes 0, 1) wins 0, 0.2, 0.9 → mean 0.366667; segment 1 wins 2, 2.4 → 2.2.
        Assert.Equal("segment,rows,share,v\n0,3,0.6,0.366667\n1,2,0.4,2.2\n", run.Out);
        Assert.True(File.Exists(PathOf("hand.profile.png")));
    }

    [Theory]
    [InlineData("--supervised")]
    [InlineData("--label-weight", "0.3")]
    public async Task SupervisedOptionsWithoutLabelsAreUsageErrors(params string[] extra)
    {
        var run = await CliRun.InvokeAsync(["train", "--data", TwoGroups("t.csv", 10, 1), "--columns", "x", "y", "--no-track", "--out", PathOf("x.som"), .. extra]);

        Assert.Equal(2, run.ExitCode);
    }
}
