using System.Globalization;

namespace Kohonen.Cli.Tests;

/// <summary>impute with a model that has a categorical column: numbers filled from the BMU in their
/// own units, a missing or unseen category filled with the BMU's largest share, the input's columns
/// kept in their order; each checked against a plain reference over the model's codebook.</summary>
public class CategoricalImputeTests : ScratchFolder
{
    private static readonly string[] Colours = ["blue", "green", "red"];

    /// <summary>A 3×2 map trained by the library on lengths, widths and colours, z-scored, with the
    /// colour column one-hot encoded by the model's encoder (columns length, colour, width).</summary>
    private string CategoricalModel()
    {
        var encoder = new FeatureEncoder(["length", "colour", "width"], [FeatureKind.Numeric, FeatureKind.Categorical, FeatureKind.Numeric], [[], Colours, []]);
        var numbers = DataMatrix.FromRows([[1.0f, 0.5f], [1.2f, 0.4f], [5.0f, 1.5f], [5.5f, 1.4f], [3.0f, 0.9f], [3.1f, 1.0f], [1.1f, 0.6f], [5.2f, 1.6f]]);
        numbers = new DataMatrix(numbers.Values, numbers.Rows, numbers.Columns, ["length", "width"]);
        var text = new Dictionary<string, IReadOnlyList<string?>> { ["colour"] = ["red", "red", "blue", "blue", "green", "green", "red", "blue"] };
        var options = new SomOptions { Width = 3, Height = 2, Iterations = 60, Seed = 5, Scaling = Scaling.ZScore, MaxDegreeOfParallelism = 1 };
        var model = new SomTrainer(options).Fit(DataSource.FromMatrix(encoder.Encode(numbers, text)).WithEncoder(encoder));
        var path = PathOf("colours.som");
        SomFile.Save(model, path);
        return path;
    }

    /// <summary>
    /// The reference: the row one-hot encoded by hand in the model's features (length, blue, green,
    /// red, width; NaN for a missing or unknown colour), scaled by the scaler's offset and factor, the
    /// node nearest over the present features by a plain loop, and its weights unscaled; returns
    /// (length, colour, width) as the row is filled.
    /// </summary>
    private static (float Length, string Colour, float Width) Reference(SomModel model, float length, string? colour, float width)
    {
        var index = Array.IndexOf(Colours, colour);
        float[] raw = [length, .. Colours.Select((_, i) => index < 0 ? float.NaN : i == index ? 1f : 0f), width];
        Assert.Equal(["length", "colour = blue", "colour = green", "colour = red", "width"], model.FeatureNames);
        var offset = model.Scaler!.Offset.ToArray();
        var factor = model.Scaler.Factor.ToArray();
        var best = (Node: -1, Distance: double.MaxValue);
        for (var node = 0; node < model.Grid.Width * model.Grid.Height; node++)
        {
            var d = 0.0;
            for (var f = 0; f < raw.Length; f++)
            {
                if (!float.IsNaN(raw[f]))
                {
                    var diff = ((double)raw[f] - offset[f]) * factor[f] - model.Codebook[(node * raw.Length) + f];
                    d += diff * diff;
                }
            }

            if (d < best.Distance)
            {
                best = (node, d);
            }
        }

        var own = new double[raw.Length];
        for (var f = 0; f < raw.Length; f++)
        {
            own[f] = (model.Codebook[(best.Node * raw.Length) + f] / factor[f]) + offset[f];
        }

        var shares = own[1..4];
        var largest = Array.IndexOf(shares, shares.Max());
        return (
            float.IsNaN(length) ? (float)own[0] : length,
            index >= 0 ? colour! : Colours[largest],
            float.IsNaN(width) ? (float)own[4] : width);
    }

    /// <summary>The written rows' cells after the row column, which must number the rows 1, 2, … .</summary>
    private static string[][] Cells(string csv)
    {
        var lines = csv.TrimEnd('\n').Split('\n').Select(l => l.Split(',')).ToArray();
        Assert.Equal(["row", .. Enumerable.Range(1, lines.Length - 1).Select(i => i.ToString(CultureInfo.InvariantCulture))], lines.Select(l => l[0]));
        return [.. lines.Select(l => l[1..])];
    }

    private static void AssertNumber(float expected, string actual) =>
        Assert.Equal(expected, float.Parse(actual, CultureInfo.InvariantCulture), 4);

    [Fact]
    public async Task NumbersAndCategoriesAreFilledAsThePlainReferenceFillsThemInTheInputsColumnOrder()
    {
        var modelPath = CategoricalModel();
        var model = SomFile.Load(modelPath);
        // The file's columns are in another order than the model's (length, colour, width).
        var data = WriteFile("holes.csv", "width,colour,length\n0.45,,1.1\n,blue,5.3\n1.5,green,3.0\n0.5,red,\n");

        var run = await CliRun.InvokeAsync("impute", "--model", modelPath, "--data", data, "--out", PathOf("filled.csv"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var cells = Cells(File.ReadAllText(PathOf("filled.csv")));
        Assert.Equal(["width", "colour", "length"], cells[0]);
        Assert.Equal(5, cells.Length);

        var missingColour = Reference(model, 1.1f, null, 0.45f);
        Assert.Equal(["0.45", missingColour.Colour, "1.1"], cells[1]);

        var missingWidth = Reference(model, 5.3f, "blue", float.NaN);
        AssertNumber(missingWidth.Width, cells[2][0]);
        Assert.Equal(["blue", "5.3"], cells[2][1..]);

        Assert.Equal(["1.5", "green", "3"], cells[3]);

        var missingLength = Reference(model, float.NaN, "red", 0.5f);
        Assert.Equal(["0.5", "red"], cells[4][..2]);
        AssertNumber(missingLength.Length, cells[4][2]);

        Assert.Contains("Filled 3 missing values in 4 rows (2 numeric, 1 categorical)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingCategoryIsTheBmusLargestShare()
    {
        var modelPath = CategoricalModel();
        var model = SomFile.Load(modelPath);
        // Rows near each colour's cluster, each without its colour: the BMU's largest share names it.
        var data = WriteFile("holes.csv", "length,colour,width\n1.05,NA,0.5\n5.3,,1.5\n3.05,,0.95\n");

        var run = await CliRun.InvokeAsync("impute", "--model", modelPath, "--data", data, "--out", PathOf("filled.csv"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var cells = Cells(File.ReadAllText(PathOf("filled.csv")));
        Assert.Equal(["length", "colour", "width"], cells[0]);
        Assert.Equal(Reference(model, 1.05f, null, 0.5f).Colour, cells[1][1]);
        Assert.Equal(Reference(model, 5.3f, null, 1.5f).Colour, cells[2][1]);
        Assert.Equal(Reference(model, 3.05f, null, 0.95f).Colour, cells[3][1]);
        // The training table ties these sizes to these colours, so the map should too.
        Assert.Equal(["red", "blue", "green"], cells[1..].Select(c => c[1]));
        Assert.Contains("(0 numeric, 3 categorical)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnseenCategoryIsWarnedOfAndFilledLikeAMissingOne()
    {
        var modelPath = CategoricalModel();
        var model = SomFile.Load(modelPath);
        var data = WriteFile("holes.csv", "length,colour,width\n5.1,purple,\n1.0,red,0.5\n");

        var run = await CliRun.InvokeAsync("impute", "--model", modelPath, "--data", data, "--out", PathOf("filled.csv"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("warning: 1 cell(s) hold a category the model did not learn, treated as missing: row 1 colour = 'purple'.", run.Error, StringComparison.Ordinal);
        var cells = Cells(File.ReadAllText(PathOf("filled.csv")));
        // Only length is present in the first row: the BMU is the node nearest over length alone.
        var expected = Reference(model, 5.1f, "purple", float.NaN);
        Assert.Equal("5.1", cells[1][0]);
        Assert.Equal(expected.Colour, cells[1][1]);
        AssertNumber(expected.Width, cells[1][2]);
        Assert.Equal(["1", "red", "0.5"], cells[2]);
        Assert.Contains("Filled 2 missing values in 2 rows (1 numeric, 1 categorical)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingValuesAreRefusedWithMissingError()
    {
        var modelPath = CategoricalModel();
        var data = WriteFile("holes.csv", "length,colour,width\n1.0,,0.5\n");

        var run = await CliRun.InvokeAsync("impute", "--model", modelPath, "--data", data, "--out", PathOf("filled.csv"), "--missing", "error");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("column 'colour': the category is missing", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("filled.csv")));
    }
}
