namespace Kohonen.Tests.Metrics;

/// <summary>A model's answers in its distance: BMUs, QE and TE against plain references written here,
/// on hexagonal and toroidal grids, and the distance kept by the model file.</summary>
public class DistanceMetricTests
{
    private static float Manhattan(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        var sum = 0f;
        for (var f = 0; f < x.Length; f++)
        {
            sum += Math.Abs(w[f] - x[f]);
        }

        return sum;
    }

    private static double Cosine(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        double dot = 0, ww = 0, xx = 0;
        for (var f = 0; f < x.Length; f++)
        {
            dot += (double)w[f] * x[f];
            ww += (double)w[f] * w[f];
            xx += (double)x[f] * x[f];
        }

        return 1 - (dot / Math.Sqrt(ww * xx));
    }

    /// <summary>Each row's best and second-best node by <paramref name="distance"/>, first index on ties.</summary>
    private static (int Best, double Distance, int Second)[] BestTwo(float[] codebook, int dim, float[][] rows, Func<ReadOnlySpan<float>, ReadOnlySpan<float>, double> distance) =>
        [.. rows.Select(row =>
        {
            var d = Enumerable.Range(0, codebook.Length / dim).Select(k => distance(codebook.AsSpan(k * dim, dim), row)).ToArray();
            var order = Enumerable.Range(0, d.Length).OrderBy(k => d[k]).ThenBy(k => k).ToArray();
            return (order[0], d[order[0]], order[1]);
        })];

    private static SomModel Trained(DistanceMetric distance, Topology topology, bool toroidal, float[][] rows) =>
        new SomTrainer(new SomOptions
        {
            Width = 7, Height = 6, Topology = topology, Toroidal = toroidal, Algorithm = TrainingAlgorithm.Batch,
            Iterations = 10, Seed = 4, Distance = distance,
        }).Fit(TestData.Matrix(rows));

    [Theory]
    [InlineData(Topology.Rectangular, false, 3)]
    [InlineData(Topology.Hexagonal, true, 12)]
    [InlineData(Topology.Rectangular, true, 40)]
    public void ManhattanBmusQeAndTeAreThePlainOnes(Topology topology, bool toroidal, int dim)
    {
        var rows = TestData.Uniform(300, dim, seed: dim);
        var model = Trained(DistanceMetric.Manhattan, topology, toroidal, rows);
        var expected = BestTwo(model.Codebook.ToArray(), dim, rows, (w, x) => Manhattan(w, x));

        var bmus = model.FindBmus(TestData.Matrix(rows));
        Assert.Equal(expected.Select(e => e.Best), bmus.Select(b => b.Index));
        Assert.Equal(expected.Select(e => (float)e.Distance), bmus.Select(b => b.Distance));
        Assert.Equal(model.FindBmu(rows[17]), bmus[17]);
        Assert.Equal(expected.Average(e => e.Distance), model.QuantizationError(TestData.Matrix(rows)), 12);
        Assert.Equal(expected.Average(e => model.Grid.AreNeighbors(e.Best, e.Second) ? 0.0 : 1.0), model.TopographicError(TestData.Matrix(rows)), 12);
        Assert.Equal(expected[3].Distance, model.Transform(rows[3]).Min());
        Assert.Equal(expected[3].Best, Array.IndexOf(model.Transform(rows[3]), model.Transform(rows[3]).Min()));
    }

    [Theory]
    [InlineData(Topology.Rectangular, false, 3)]
    [InlineData(Topology.Hexagonal, true, 12)]
    [InlineData(Topology.Rectangular, true, 40)]
    public void CosineBmusQeAndTeAreThePlainOnes(Topology topology, bool toroidal, int dim)
    {
        var rows = TestData.Uniform(300, dim, seed: dim).Select(r => r.Select(x => x - 0.5f).ToArray()).ToArray();
        var model = Trained(DistanceMetric.Cosine, topology, toroidal, rows);
        var expected = BestTwo(model.Codebook.ToArray(), dim, rows, Cosine);

        var bmus = model.FindBmus(TestData.Matrix(rows));
        Assert.Equal(expected.Select(e => e.Best), bmus.Select(b => b.Index));
        Assert.All(bmus.Zip(expected), p => Assert.Equal(p.Second.Distance, p.First.Distance, tolerance: 1e-5));
        Assert.Equal(model.FindBmu(rows[17]), bmus[17]);
        Assert.Equal(expected.Average(e => e.Distance), model.QuantizationError(TestData.Matrix(rows)), tolerance: 1e-6);
        Assert.Equal(expected.Average(e => model.Grid.AreNeighbors(e.Best, e.Second) ? 0.0 : 1.0), model.TopographicError(TestData.Matrix(rows)), 12);
        Assert.Equal(expected[3].Distance, model.Transform(rows[3]).Min(), tolerance: 1e-5);
    }

    [Fact]
    public void TheUMatrixOfAManhattanMapIsItsMeanManhattanDistanceToTheNeighbours()
    {
        var rows = TestData.Uniform(200, 6, seed: 5);
        var model = Trained(DistanceMetric.Manhattan, Topology.Hexagonal, true, rows);
        var codebook = model.Codebook.ToArray();
        var neighbors = new int[Grid.MaxNeighbors];

        var umatrix = model.UMatrix();

        for (var node = 0; node < model.Grid.NodeCount; node++)
        {
            var count = model.Grid.NeighborsOf(node, neighbors);
            var expected = neighbors.Take(count).Average(n => (double)Manhattan(codebook.AsSpan(node * 6, 6), codebook.AsSpan(n * 6, 6)));
            Assert.Equal((float)expected, umatrix[node]);
        }
    }

    [Fact]
    public void TheMeasuredHistoryAndAFreshMeasureAgree()
    {
        var rows = TestData.Uniform(200, 10, seed: 1);
        var options = new SomOptions { Width = 6, Height = 5, Iterations = 5, Seed = 3, Distance = DistanceMetric.Manhattan, MetricsEvery = 5 };
        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));

        Assert.Equal(model.History[^1].QuantizationError, model.QuantizationError(TestData.Matrix(rows)), 12);
        Assert.Equal(model.History[^1].TopographicError, model.TopographicError(TestData.Matrix(rows)), 12);
    }

    [Theory]
    [InlineData(DistanceMetric.Manhattan)]
    [InlineData(DistanceMetric.Cosine)]
    public void TheModelFileKeepsTheDistance(DistanceMetric distance)
    {
        var rows = TestData.Uniform(100, 5, seed: 2);
        var model = Trained(distance, Topology.Hexagonal, false, rows);

        var bytes = SomFile.ToBytes(model);
        var loaded = SomFile.FromBytes(bytes, "model.som");

        Assert.Equal(distance, loaded.Distance);
        Assert.Equal(distance, loaded.Options!.Distance);
        Assert.Equal(model.FindBmus(TestData.Matrix(rows)), loaded.FindBmus(TestData.Matrix(rows)));
        Assert.Equal(bytes, SomFile.ToBytes(loaded));
        Assert.Contains($"\"distance\":\"{OptionText.ToText(distance)}\"", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal(OptionText.ToText(distance), model.Options!.ToParameters()["distance"]);
    }

    [Fact]
    public void AEuclideanModelFileHasNoDistanceKey()
    {
        var rows = TestData.Uniform(100, 5, seed: 2);
        var model = Trained(DistanceMetric.Euclidean, Topology.Rectangular, false, rows);

        var text = System.Text.Encoding.UTF8.GetString(SomFile.ToBytes(model));

        Assert.DoesNotContain("distance", text, StringComparison.Ordinal);
        Assert.Equal(DistanceMetric.Euclidean, SomFile.FromBytes(SomFile.ToBytes(model), "m.som").Distance);
        Assert.False(model.Options!.ToParameters().ContainsKey("distance"));
    }

    [Fact]
    public void AMapMadeFromACodebookIsEuclidean() =>
        Assert.Equal(DistanceMetric.Euclidean, SomModel.Create(new Grid(2, 2), new float[8], 2).Distance);

    [Fact]
    public void AnUnknownDistanceIsRefusedWithTheAllowedOnes()
    {
        var e = Assert.Throws<SomOptionsException>(() => new SomOptions { Distance = (DistanceMetric)7 });
        Assert.Contains("euclidean, manhattan, cosine", e.Message, StringComparison.Ordinal);
    }
}
