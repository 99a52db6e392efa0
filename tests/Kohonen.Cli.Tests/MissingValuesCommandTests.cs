namespace Kohonen.Cli.Tests;

/// <summary>predict and impute on data with missing values (NaN in a .npy file): the BMU over the
/// present features, each hole filled from it, and exit 2 for a row with nothing present.</summary>
public class MissingValuesCommandTests : ScratchFolder
{
    /// <summary>A 3×2 map with hand-set weights: node (x, y) holds (x, y, 10·x + y) in features r, g, b.</summary>
    private string HandMadeModel()
    {
        var weights = new List<float>();
        for (var y = 0; y < 2; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                weights.AddRange([x, y, (10 * x) + y]);
            }
        }

        var path = PathOf("hand.som");
        SomFile.Save(SomModel.Create(new Grid(3, 2), [.. weights], 3, ["r", "g", "b"]), path);
        return path;
    }

    [Fact]
    public async Task PredictFindsTheBmuOverThePresentFeatures()
    {
        var data = PathOf("holes.npy");
        NpyFile.Write(data, DataMatrix.FromRows([[2f, float.NaN, float.NaN], [float.NaN, float.NaN, 11f]]));

        var run = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // r = 2 alone: nodes (2, 0) and (2, 1) tie, the lower index wins. b = 11 alone: node (1, 1).
        // Each line starts with the data row's number.
        Assert.Equal("1,2,0,0", lines[1]);
        Assert.Equal("2,1,1,0", lines[2]);
    }

    [Fact]
    public async Task ImputeFillsEachHoleFromTheRowsBmuAndKeepsPresentValues()
    {
        var data = PathOf("holes.npy");
        NpyFile.Write(data, DataMatrix.FromRows([[2f, float.NaN, 1f], [float.NaN, 1.5f, 11f], [0.5f, 0f, 0f]]));

        var run = await CliRun.InvokeAsync("impute", "--model", HandMadeModel(), "--data", data, "--out", PathOf("filled.csv"));

        Assert.True(run.ExitCode == 0, run.ToString());
        // Row 0 (r 2, b 1): over r and b, node (0, 1) = (0, 1, 1) is nearest (d² 4; node (0, 0) is 5,
        // the others 81 and more), so g becomes 1. Row 1 (g 1.5, b 11): node (1, 1) = (1, 1, 11) is
        // nearest (d² 0.25), so r becomes 1.
        Assert.Equal("row,x0,x1,x2\n1,2,1,1\n2,1,1.5,11\n3,0.5,0,0\n", File.ReadAllText(PathOf("filled.csv")));
        Assert.Contains("Filled 2 missing values in 3 rows", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARowWithEveryValueMissingIsExit2InPredictAndWrittenWithItsHolesByImpute()
    {
        var data = PathOf("empty-row.npy");
        NpyFile.Write(data, DataMatrix.FromRows([[2f, 1f, 1f], [float.NaN, float.NaN, float.NaN], [2f, float.NaN, 1f]]));

        var predict = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);
        var impute = await CliRun.InvokeAsync("impute", "--model", HandMadeModel(), "--data", data, "--out", PathOf("filled.csv"));

        Assert.Equal(2, predict.ExitCode);
        Assert.Equal($"error: {data}: Row 1 has every value missing; a BMU needs at least one value.\n", predict.Error);
        Assert.True(impute.ExitCode == 0, impute.ToString());
        // Row 2 cannot be placed: written as it is, its cells empty. Row 3 (r 2, b 1) is row 0 of the
        // test above: its BMU is node (0, 1), so g becomes 1.
        Assert.Equal("row,x0,x1,x2\n1,2,1,1\n2,,,\n3,2,1,1\n", File.ReadAllText(PathOf("filled.csv")));
        Assert.Equal(
            $"Filled 1 missing value in 3 rows; wrote {PathOf("filled.csv")}.\n{data}: 1 row(s) have every feature missing (row 2): a map cannot place them, so they are written with their holes left.\n",
            impute.Error);
    }

    [Fact]
    public async Task ANaNInANpyFileIsRefusedUnderMissingErrorWholeOrStreamed()
    {
        var data = PathOf("holes.npy");
        var rows = Enumerable.Range(0, 40).Select(i => new[] { i / 40f, 1 - (i / 40f), 0.5f }).ToArray();
        rows[33][2] = float.NaN;
        NpyFile.Write(data, DataMatrix.FromRows(rows));
        var expected = $"error: {data}: row 33, column 2 is NaN, a missing value; missing values are refused here (--missing error).\n";

        var whole = await CliRun.InvokeAsync("train", "--data", data, "--width", "3", "--height", "3", "--iterations", "5", "--missing", "error", "--out", PathOf("whole.som"), "--no-track");
        var streamed = await CliRun.InvokeAsync("train", "--data", data, "--width", "3", "--height", "3", "--iterations", "5", "--algorithm", "batch", "--batch-size", "16", "--missing", "error", "--out", PathOf("streamed.som"), "--no-track");
        var predict = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data, "--missing", "error");
        var allowed = await CliRun.InvokeAsync("predict", "--model", HandMadeModel(), "--data", data);

        Assert.Equal((2, expected), (whole.ExitCode, whole.Error));
        Assert.Equal((2, expected), (streamed.ExitCode, streamed.Error));
        Assert.Equal((2, expected), (predict.ExitCode, predict.Error));
        Assert.False(File.Exists(PathOf("whole.som")) || File.Exists(PathOf("streamed.som")));
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Equal(41, allowed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
