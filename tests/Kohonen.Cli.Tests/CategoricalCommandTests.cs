using System.Text.Json;

namespace Kohonen.Cli.Tests;

public class CategoricalCommandTests : ScratchFolder
{
    private const string Table = "length,colour,width\n1.0,red,0.5\n1.2,red,0.4\n5.0,blue,1.5\n5.5,blue,1.4\n3.0,green,0.9\n3.1,green,1.0\n1.1,red,0.6\n5.2,blue,1.6\n";

    [Fact]
    public async Task TrainEncodesACategoricalColumnAndPredictEncodesItTheSameWay()
    {
        var data = WriteFile("t.csv", Table);
        var model = PathOf("m.som");

        var run = await CliRun.InvokeAsync("train", "--data", data, "--categorical", "colour", "--categorical-weight", "2", "--feature-weight", "width=0.5",
            "--scale", "minmax", "--width", "3", "--height", "2", "--iterations", "20", "--seed", "4", "--no-track", "--out", model, "--no-plots");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Encoded width (weight 0.5); colour (categorical: blue, green, red, weight 2): 5 features.", run.Error, StringComparison.Ordinal);
        var loaded = SomFile.Load(model);
        Assert.Equal(["length", "width", "colour = blue", "colour = green", "colour = red"], loaded.FeatureNames);
        Assert.Equal([1.0, 0.5, 2.0], loaded.Encoder!.Weights);
        Assert.Equal(2, SomFile.FormatVersionOf(loaded));

        // predict reads the columns in any order and encodes the category as training did.
        var input = WriteFile("p.csv", "width,colour,length\n0.5,red,1.0\n1.5,blue,5.0\n");
        var predicted = await CliRun.InvokeAsync("predict", "--model", model, "--data", input);

        Assert.True(predicted.ExitCode == 0, predicted.ToString());
        var expected = loaded.FindBmusWithCategories(
            new DataMatrix([1.0f, 0.5f, 5.0f, 1.5f], 2, 2, ["length", "width"]),
            new Dictionary<string, IReadOnlyList<string?>> { ["colour"] = ["red", "blue"] });
        var lines = predicted.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("row,bmu_x,bmu_y,distance", lines[0]);
        Assert.Equal([$"1,{expected[0].X},{expected[0].Y}", $"2,{expected[1].X},{expected[1].Y}"], lines[1..].Select(l => string.Join(',', l.Split(',')[..3])));
        Assert.Equal($"{input}: took the first row as the header (width, colour, length); give --header no if it is data.\n", predicted.Error);
    }

    [Theory]
    [InlineData("--header", "no")]
    [InlineData("--header", "auto")]
    public async Task AMapTrainedOnAFileWithoutAHeaderPredictsAndImputesThatFile(string flag, string value)
    {
        // Trained without a header, the map names its columns x0, x1, x2 by position; predict and impute
        // read the same file by those positions. The same rows under a header naming x0, x1, x2 are
        // read by name: the answers must be the same.
        const string Rows = "1.0,0.5,red\n1.2,0.4,red\n5.0,1.5,blue\n5.5,,blue\n3.0,0.9,green\n3.1,1.0,\n";
        var bare = WriteFile("bare.csv", Rows);
        var named = WriteFile("named.csv", "x0,x1,x2\n" + Rows);
        var model = PathOf("bare.som");
        var trained = await CliRun.InvokeAsync("train", "--data", bare, "--header", "no", "--categorical", "2", "--scale", "minmax",
            "--width", "3", "--height", "2", "--iterations", "20", "--seed", "4", "--no-track", "--out", model, "--no-plots");
        Assert.True(trained.ExitCode == 0, trained.ToString());

        var byPosition = await CliRun.InvokeAsync("predict", "--model", model, "--data", bare, flag, value);
        var byName = await CliRun.InvokeAsync("predict", "--model", model, "--data", named);
        var imputed = await CliRun.InvokeAsync("impute", "--model", model, "--data", bare, flag, value, "--out", PathOf("filled.csv"));

        Assert.True(byPosition.ExitCode == 0, byPosition.ToString());
        Assert.True(byName.ExitCode == 0, byName.ToString());
        Assert.Equal(byName.Out, byPosition.Out);
        Assert.Equal(7, byPosition.Out.TrimEnd('\n').Split('\n').Length);
        Assert.True(imputed.ExitCode == 0, imputed.ToString());
        Assert.Equal(7, File.ReadAllLines(PathOf("filled.csv")).Length);
    }

    [Fact]
    public async Task PredictWarnsOfACategoryTheModelDidNotLearn()
    {
        var data = WriteFile("t.csv", Table);
        var model = PathOf("m.som");
        var trained = await CliRun.InvokeAsync("train", "--data", data, "--categorical", "colour", "--width", "3", "--height", "2", "--iterations", "5", "--seed", "1", "--no-track", "--out", model, "--no-plots", "--quiet");
        Assert.True(trained.ExitCode == 0, trained.ToString());

        var input = WriteFile("p.csv", "length,colour,width\n1.0,red,0.5\n2.0,purple,0.7\n");
        var run = await CliRun.InvokeAsync("predict", "--model", model, "--data", input);

        Assert.Contains("warning: 1 cell(s) hold a category the model did not learn, treated as missing: row 2 colour = 'purple'.", run.Error, StringComparison.Ordinal);

        // The row is answered, placed by its numbers alone: the node nearest over length and width.
        Assert.True(run.ExitCode == 0, run.ToString());
        var loaded = SomFile.Load(model);
        var lines = run.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal(NearestOverNumbers(loaded, 2.0f, 0.7f), lines[2].Split(',')[1..3].Select(int.Parse).ToArray() is [var x, var y] ? (x, y) : default);
    }

    [Fact]
    public async Task AMissingTokenInACategoricalColumnIsAMissingCategoryUnlessRefused()
    {
        var data = WriteFile("t.csv", Table);
        var model = PathOf("m.som");
        var trained = await CliRun.InvokeAsync("train", "--data", data, "--categorical", "colour", "--width", "3", "--height", "2", "--iterations", "5", "--seed", "1", "--no-track", "--out", model, "--no-plots", "--quiet");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var input = WriteFile("p.csv", "length;colour;width\n2.0;NA;0.7\n");

        var allowed = await CliRun.InvokeAsync("predict", "--model", model, "--data", input);
        var refused = await CliRun.InvokeAsync("predict", "--model", model, "--data", input, "--missing", "error");

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.DoesNotContain("did not learn", allowed.Error, StringComparison.Ordinal);
        Assert.Equal(NearestOverNumbers(SomFile.Load(model), 2.0f, 0.7f), allowed.Out.TrimEnd('\n').Split('\n')[1].Split(',')[1..3].Select(int.Parse).ToArray() is [var x, var y] ? (x, y) : default);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"error: {input}, data row 1, column 'colour': the category is missing; missing values are refused here (--missing error).\n", refused.Error);
    }

    /// <summary>The node nearest to (length, width) over those two features alone, by plain search
    /// over the codebook in the model's scaled space.</summary>
    private static (int X, int Y) NearestOverNumbers(SomModel model, float length, float width)
    {
        float[] raw = [length, width, 0, 0, 0];
        var scaled = new float[raw.Length];
        if (model.Scaler is { } scaler)
        {
            scaler.Transform(raw, scaled);
        }
        else
        {
            raw.CopyTo(scaled, 0);
        }

        var best = (Node: -1, Distance: double.MaxValue);
        for (var node = 0; node < model.Grid.Width * model.Grid.Height; node++)
        {
            var w = model.Codebook.Slice(node * model.Dimension, model.Dimension);
            var d = Math.Pow(scaled[0] - w[0], 2) + Math.Pow(scaled[1] - w[1], 2);
            if (d < best.Distance)
            {
                best = (node, d);
            }
        }

        return (best.Node % model.Grid.Width, best.Node / model.Grid.Width);
    }

    [Theory]
    [InlineData(new[] { "--feature-weight", "width" }, "--feature-weight takes name=w with w a number above 0 (e.g. --feature-weight 'petal length=2'); got 'width'.")]
    [InlineData(new[] { "--feature-weight", "width=0" }, "--feature-weight takes name=w with w a number above 0 (e.g. --feature-weight 'petal length=2'); got 'width=0'.")]
    [InlineData(new[] { "--feature-weight", "depth=2" }, "--feature-weight: 'depth' is not a column of the map; the columns are: length, width, colour.")]
    [InlineData(new[] { "--feature-weight", "width=2", "--feature-weight", "width=3" }, "--feature-weight: 'width' is given twice.")]
    [InlineData(new[] { "--categorical-weight", "-1" }, "--categorical-weight must be a number above 0; got -1.")]
    [InlineData(new[] { "--label-column", "length", "--supervised" }, "--supervised cannot be combined with --categorical or --feature-weight; train without one of them.")]
    public async Task BadEncodingFlagsAreRefusedWithTheirReason(string[] extra, string message)
    {
        var data = WriteFile("t.csv", Table);

        var run = await CliRun.InvokeAsync(["train", "--data", data, "--categorical", "colour", "--no-track", "--out", PathOf("m.som"), "--iterations", "2", .. extra]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {message}\n", run.Error);
        Assert.False(File.Exists(PathOf("m.som")));
    }

    [Fact]
    public async Task ATextColumnNotNamedIsRefusedWithTheFlagsThatTakeIt()
    {
        var data = WriteFile("t.csv", Table);

        var run = await CliRun.InvokeAsync("train", "--data", data, "--no-track", "--out", PathOf("m.som"));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {data}, line 2, column 2 ('colour'): 'red' is not a number. A column of text can be a label (--label-column), a category one-hot encoded in the map (train --categorical) or an id carried through (predict --id-column); or leave it out by naming the features with --columns.\n", run.Error);
    }

    [Fact]
    public async Task CategoricalColumnsOfANpyFileOrOfNoFileAreRefused()
    {
        var npy = PathOf("x.npy");
        NpyFile.Write(npy, new DataMatrix([1f, 2f, 3f, 4f], 2, 2));

        var run = await CliRun.InvokeAsync("train", "--data", npy, "--categorical", "0", "--no-track", "--out", PathOf("m.som"));
        var none = await CliRun.InvokeAsync("train", "--feature-weight", "x0=2", "--no-track", "--out", PathOf("m.som"));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: --columns, --label-column, --id-column and --categorical apply to CSV and Parquet files; '{npy}' is a .npy array (all columns are features).\n", run.Error);
        Assert.Equal(2, none.ExitCode);
        Assert.Equal("error: --categorical and --feature-weight apply to the columns of a --data file.\n", none.Error);
    }

    [Fact]
    public async Task AFeatureWeightAloneKeepsTheFeatureNamesAndWritesAVersion2File()
    {
        var data = WriteFile("n.csv", "a,b\n1,2\n3,4\n5,1\n2,2\n");
        var model = PathOf("m.som");

        var run = await CliRun.InvokeAsync("train", "--data", data, "--feature-weight", "b=4", "--width", "3", "--height", "1", "--iterations", "3", "--seed", "2", "--no-track", "--out", model, "--no-plots", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var loaded = SomFile.Load(model);
        Assert.Equal(["a", "b"], loaded.FeatureNames);
        Assert.Equal(Scaling.None, loaded.Scaler!.Kind);
        Assert.Equal([1f, 2f], loaded.Scaler.Factor.ToArray());
    }

    [Fact]
    public async Task FeatureWeightsStreamToTheSameMapAsInMemory()
    {
        var data = WriteFile("n.csv", "a,b\n1,2\n3,4\n5,1\n2,2\n4,4\n0,3\n");
        string[] common = ["train", "--data", data, "--feature-weight", "a=3", "--scale", "zscore", "--epochs", "4", "--width", "3", "--height", "2", "--seed", "2", "--no-track", "--no-plots", "--quiet"];

        var whole = await CliRun.InvokeAsync([.. common, "--out", PathOf("whole.som")]);
        var streamed = await CliRun.InvokeAsync([.. common, "--batch-size", "2", "--out", PathOf("streamed.som")]);

        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        var a = SomFile.Load(PathOf("whole.som"));
        var b = SomFile.Load(PathOf("streamed.som"));
        Assert.Equal([3.0, 1.0], b.Encoder!.Weights);
        Assert.Equal(a.Codebook.ToArray(), b.Codebook.ToArray());
        Assert.Equal(a.Scaler!.Factor.ToArray(), b.Scaler!.Factor.ToArray());
    }
}
