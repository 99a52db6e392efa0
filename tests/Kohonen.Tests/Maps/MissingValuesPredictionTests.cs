namespace Kohonen.Tests.Maps;

/// <summary>Predictions, distances, quality figures, imputation and scalers on inputs with missing
/// values (NaN), against plain references written here; and the refusals of inputs with nothing
/// present or an infinity.</summary>
public class MissingValuesPredictionTests
{
    private const int Dim = 5;

    /// <summary>A 4×3 map with random weights in [0, 10) and a min-max scaler (offset 1, range 4).</summary>
    private static SomModel Model()
    {
        var random = new Random(3);
        float[] codebook = [.. Enumerable.Range(0, 12 * Dim).Select(_ => (float)(random.NextDouble() * 10))];
        var scaler = new FeatureScaler(Scaling.MinMax, Enumerable.Repeat(1f, Dim).ToArray(), Enumerable.Repeat(0.25f, Dim).ToArray());
        return SomModel.Create(new Grid(4, 3), codebook, Dim, ["a", "b", "c", "d", "e"], scaler);
    }

    private static float[] Scaled(float[] input) => [.. input.Select(v => (v - 1f) * 0.25f)];

    /// <summary>The nearest node over the present features and its distance scaled by total/present.</summary>
    private static (int Node, double Distance) Reference(SomModel model, float[] input)
    {
        var scaled = Scaled(input);
        var present = input.Count(v => !float.IsNaN(v));
        var best = -1;
        var bestD = double.PositiveInfinity;
        for (var k = 0; k < model.Grid.NodeCount; k++)
        {
            var d = 0.0;
            for (var f = 0; f < Dim; f++)
            {
                if (!float.IsNaN(scaled[f]))
                {
                    d += Math.Pow(model.Codebook[(k * Dim) + f] - scaled[f], 2);
                }
            }

            if (d < bestD)
            {
                (best, bestD) = (k, d);
            }
        }

        return (best, Math.Sqrt(bestD * Dim / present));
    }

    private static float[][] Inputs(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i => Enumerable.Range(0, Dim)
            .Select(f => f == i % Dim || random.NextDouble() > 0.4 ? (float)((random.NextDouble() * 40) + 1) : float.NaN).ToArray())];
    }

    [Fact]
    public void FindBmuWithMissingValuesIsTheNearestNodeOverThePresentFeatures()
    {
        var model = Model();
        foreach (var input in Inputs(40, 1))
        {
            var (node, distance) = Reference(model, input);

            var bmu = model.FindBmu(input);
            var fromDoubles = model.FindBmu(input.Select(v => (double)v).ToArray());

            Assert.Equal(node, bmu.Index);
            Assert.Equal(distance, bmu.Distance, 1e-4);
            Assert.Equal(bmu, fromDoubles);
        }
    }

    [Fact]
    public void FindBmusGivesEachRowTheBmuOfFindBmu()
    {
        var model = Model();
        var rows = Inputs(300, 2);
        rows[5] = [1f, 2f, 3f, 4f, 5f]; // complete rows take the fast search
        rows[260] = [2f, 2f, 3f, 4f, 5f];

        var bmus = model.FindBmus(TestData.Matrix(rows), maxThreads: 2);

        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(Reference(model, rows[r]).Node, bmus[r].Index);
        }
    }

    [Fact]
    public void TransformMeasuresEveryNodeOverThePresentFeatures()
    {
        var model = Model();
        float[] input = [3f, float.NaN, 8f, float.NaN, 2f];
        var scaled = Scaled(input);

        var distances = model.Transform(input);

        for (var k = 0; k < model.Grid.NodeCount; k++)
        {
            var d = new[] { 0, 2, 4 }.Sum(f => Math.Pow(model.Codebook[(k * Dim) + f] - scaled[f], 2));
            Assert.Equal(Math.Sqrt(d * Dim / 3), distances[k], 1e-4);
        }
    }

    [Fact]
    public void QuantizationErrorIsTheMeanScaledDistanceOverPresentFeatures()
    {
        var model = Model();
        var rows = Inputs(50, 4);

        var qe = model.QuantizationError(TestData.Matrix(rows));

        Assert.Equal(rows.Average(r => Reference(model, r).Distance), qe, 1e-4);
    }

    [Fact]
    public void ImputeFillsEachMissingCellFromTheRowsBmuInTheFeaturesUnits()
    {
        var model = Model();
        var rows = Inputs(30, 5);

        var filled = model.Impute(TestData.Matrix(rows));

        Assert.Equal(0, filled.CountMissing());
        for (var r = 0; r < rows.Length; r++)
        {
            var node = Reference(model, rows[r]).Node;
            for (var f = 0; f < Dim; f++)
            {
                var expected = float.IsNaN(rows[r][f]) ? (model.Codebook[(node * Dim) + f] / 0.25f) + 1f : rows[r][f];
                Assert.Equal(expected, filled[r, f], 1e-4f);
            }
        }
    }

    [Fact]
    public void ImputeKeepsTheDatasColumnOrderWhenColumnsAreMatchedByName()
    {
        var model = Model();
        var data = DataMatrix.FromRows([[float.NaN, 2f, 3f, 4f, 5f]], ["e", "d", "c", "b", "a"]);

        var filled = model.Impute(data);

        var node = Reference(model, [5f, 4f, 3f, 2f, float.NaN]).Node;
        Assert.Equal(["e", "d", "c", "b", "a"], filled.ColumnNames);
        Assert.Equal((model.Codebook[(node * Dim) + 4] / 0.25f) + 1f, filled[0, 0], 1e-4f);
        Assert.Equal(2f, filled[0, 1]);
    }

    [Fact]
    public void AnInputWithEveryValueMissingIsRefusedNeverGivenAMadeUpBmu()
    {
        var model = Model();
        var nothing = Enumerable.Repeat(float.NaN, Dim).ToArray();

        var one = Assert.Throws<ArgumentException>(() => model.FindBmu(nothing));
        var many = Assert.Throws<ArgumentException>(() => model.FindBmus(TestData.Matrix([[1f, 2f, 3f, 4f, 5f], nothing])));
        var impute = Assert.Throws<ArgumentException>(() => model.Impute(TestData.Matrix([nothing])));

        Assert.Contains("every value missing", one.Message, StringComparison.Ordinal);
        Assert.Contains("Row 1 has every value missing", many.Message, StringComparison.Ordinal);
        Assert.Contains("Row 0 has every value missing", impute.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInfiniteInputIsStillRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Model().FindBmu([1f, float.NaN, float.NegativeInfinity, 1f, 1f]));

        Assert.Contains("value 2 ('c')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Scaling.MinMax)]
    [InlineData(Scaling.ZScore)]
    public void ScalersFitOnThePresentValuesOnly(Scaling kind)
    {
        float[][] rows = [[1f, float.NaN, 4f], [3f, 10f, float.NaN], [float.NaN, 14f, 8f], [5f, float.NaN, float.NaN]];
        double[][] present = [[1, 3, 5], [10, 14], [4, 8]];

        var scaler = FeatureScaler.Fit(TestData.Matrix(rows), kind)!;

        for (var f = 0; f < 3; f++)
        {
            var values = present[f];
            var mean = values.Average();
            var (offset, factor) = kind == Scaling.MinMax
                ? (values.Min(), 1 / (values.Max() - values.Min()))
                : (mean, 1 / Math.Sqrt(values.Average(v => (v - mean) * (v - mean))));
            Assert.Equal((float)offset, scaler.Offset[f]);
            Assert.Equal((float)factor, scaler.Factor[f]);
        }

        var transformed = scaler.Transform(TestData.Matrix(rows));
        Assert.True(float.IsNaN(transformed[0, 1]));
        Assert.Equal(5, transformed.CountMissing());
    }
}
