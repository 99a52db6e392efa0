namespace Kohonen.Tests.Training;

/// <summary>Training from a given codebook (<see cref="SomTrainer.Fit(DataSource, ReadOnlyMemory{float}, IProgress{TrainingProgress}?, CancellationToken)"/>),
/// from another map and further (<see cref="SomTrainer.Continue"/>), with outcomes worked out by hand.</summary>
public class GivenCodebookTests
{
    /// <summary>One batch epoch on a 2×1 map with a bubble of radius 0.5 (each node sees its own samples
    /// only): every node becomes the mean of the samples whose BMU it is.</summary>
    private static readonly SomOptions OneMeanStep = new()
    {
        Width = 2,
        Height = 1,
        Algorithm = TrainingAlgorithm.Batch,
        Iterations = 1,
        Neighborhood = Neighborhood.Bubble,
        Sigma = 0.5,
        SigmaDecay = Decay.Linear,
        Seed = 3,
    };

    private static DataSource Rows(params float[][] rows) => DataSource.FromMatrix(DataMatrix.FromRows(rows));

    [Fact]
    public void AGivenCodebookIsWhereTrainingStarts()
    {
        // BMUs from the given start [0, 0], [10, 10]: (1, 1) and (3, 3) go to node 0, (9, 9) to node 1.
        var model = new SomTrainer(OneMeanStep).Fit(Rows([1, 1], [3, 3], [9, 9]), new float[] { 0, 0, 10, 10 });

        Assert.Equal([2f, 2f, 9f, 9f], model.Codebook.ToArray());
        Assert.Equal(Initialization.Given, model.Options!.Initialization);
    }

    [Fact]
    public void TheSameStartGivesTheSameMapAsDrawingIt()
    {
        var data = TestData.Matrix(TestData.Clusters(300, 5, 4, 8));
        var options = new SomOptions { Width = 7, Height = 5, Algorithm = TrainingAlgorithm.Batch, Iterations = 8, Seed = 12, Initialization = Initialization.Sample };
        var drawn = CodebookInitializer.Create(data, options.CreateGrid(), Initialization.Sample, new SomRandom(12));

        var fitted = new SomTrainer(options).Fit(DataSource.FromMatrix(data));
        var given = new SomTrainer(options).Fit(DataSource.FromMatrix(data), drawn);

        Assert.Equal(fitted.Codebook.ToArray(), given.Codebook.ToArray());
    }

    [Fact]
    public void ACodebookOfTheWrongSizeOrWithANaNIsRefused()
    {
        var trainer = new SomTrainer(OneMeanStep);

        var size = Assert.Throws<ArgumentException>(() => trainer.Fit(Rows([1, 1]), new float[] { 0, 0, 1 }));
        Assert.Equal("The initial codebook has 3 weights; a 2×1 map of 2 features needs 4 (2 nodes × 2).", size.Message);
        var nan = Assert.Throws<ArgumentException>(() => trainer.Fit(Rows([1, 1]), new float[] { 0, 0, 1, float.NaN }));
        Assert.Equal("The initial codebook's weight 1 of node 1 is NaN; weights must be finite.", nan.Message);
    }

    [Fact]
    public void InitializationGivenWithoutACodebookIsRefused()
    {
        var error = Assert.Throws<SomOptionsException>(() => new SomTrainer(OneMeanStep with { Initialization = Initialization.Given }).Fit(Rows([1, 1])));

        Assert.Equal("Initialization", error.Option);
        Assert.Contains("needs the codebook", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContinueKeepsTheScalerAndTrainsInItsUnits()
    {
        // Scaled by 0.5: the rows (2, 2), (6, 6), (18, 18) are (1, 1), (3, 3), (9, 9) in the map's units.
        var scaler = new FeatureScaler(Scaling.MinMax, [0f, 0f], [0.5f, 0.5f]);
        var start = SomModel.Create(new Grid(2, 1), [0, 0, 10, 10], 2, scaler: scaler);

        var model = new SomTrainer(OneMeanStep with { Scaling = Scaling.MinMax }).Continue(start, Rows([2, 2], [6, 6], [18, 18]));

        Assert.Equal([2f, 2f, 9f, 9f], model.Codebook.ToArray());
        Assert.Same(scaler, model.Scaler);
        Assert.Equal(Initialization.Given, model.Options!.Initialization);
    }

    [Fact]
    public void ContinueKeepsATrainedScalerRatherThanFittingTheNewRows()
    {
        var first = TestData.Matrix(TestData.Uniform(100, 3, 1));
        var second = DataMatrix.FromRows([.. TestData.Uniform(100, 3, 2).Select(r => r.Select(v => (v * 10) + 5).ToArray())]);
        var options = new SomOptions { Width = 4, Height = 3, Iterations = 5, Seed = 1, Scaling = Scaling.ZScore };
        var trained = new SomTrainer(options).Fit(first);

        var continued = new SomTrainer(options).Continue(trained, DataSource.FromMatrix(second));

        Assert.Equal(trained.Scaler!.Offset.ToArray(), continued.Scaler!.Offset.ToArray());
        Assert.Equal(trained.Scaler.Factor.ToArray(), continued.Scaler.Factor.ToArray());
        Assert.NotEqual(FeatureScaler.Fit(second, Scaling.ZScore)!.Offset.ToArray(), continued.Scaler.Offset.ToArray());
    }

    [Fact]
    public void ContinueKeepsTheMapsEncoderAndRefusesAnother()
    {
        var encoder = new FeatureEncoder(["a", "color"], [FeatureKind.Numeric, FeatureKind.Categorical], [[], ["red", "blue"]], [1.0, 2.0]);
        DataMatrix Encoded(int rows, int seed)
        {
            var random = new Random(seed);
            var numbers = DataMatrix.FromRows([.. Enumerable.Range(0, rows).Select(_ => new[] { (float)random.NextDouble() })], ["a"]);
            var colors = Enumerable.Range(0, rows).Select(_ => (string?)(random.Next(2) == 0 ? "red" : "blue")).ToArray();
            return encoder.Encode(numbers, new Dictionary<string, IReadOnlyList<string?>> { ["color"] = colors });
        }

        var options = new SomOptions { Width = 3, Height = 2, Algorithm = TrainingAlgorithm.Batch, Iterations = 4, Seed = 1, Scaling = Scaling.MinMax };
        var trained = new SomTrainer(options).Fit(DataSource.FromMatrix(Encoded(40, 1)).WithEncoder(encoder));
        Assert.Equal(["a", "color = red", "color = blue"], trained.FeatureNames);

        // Rows encoded by the map, given without an encoder: the continued map keeps the map's.
        var continued = new SomTrainer(options).Continue(trained, DataSource.FromMatrix(Encoded(30, 2)));
        Assert.Same(encoder, continued.Encoder);
        Assert.Equal(trained.Scaler!.Factor.ToArray(), continued.Scaler!.Factor.ToArray());
        Assert.Same(encoder, new SomTrainer(options).Continue(trained, DataSource.FromMatrix(Encoded(30, 2)).WithEncoder(encoder)).Encoder);

        var reweighed = new FeatureEncoder(["a", "color"], [FeatureKind.Numeric, FeatureKind.Categorical], [[], ["red", "blue"]], [1.0, 1.0]);
        var other = Assert.Throws<ArgumentException>(() => new SomTrainer(options).Continue(trained, DataSource.FromMatrix(Encoded(30, 2)).WithEncoder(reweighed)));
        Assert.Equal("Continuing keeps the map's encoder; the data's encoder has other columns, categories or weights. Encode the rows with the map's (SomModel.Encode), or fit from the map to encode anew.", other.Message);
        var unnamed = Assert.Throws<ArgumentException>(() => new SomTrainer(options).Continue(trained, DataSource.FromMatrix(DataMatrix.FromRows([[0.5f, 1f, 0f]]))));
        Assert.Equal("The map encodes its features (a, color = red, color = blue) and continuing keeps its encoder; the data's columns are x0, x1, x2. Give the rows with the map's feature names (SomModel.Encode gives them).", unnamed.Message);
        var plain = new SomTrainer(options).Fit(DataSource.FromMatrix(Encoded(40, 1)));
        var none = Assert.Throws<ArgumentException>(() => new SomTrainer(options).Continue(plain, DataSource.FromMatrix(Encoded(30, 2)).WithEncoder(encoder)));
        Assert.StartsWith("Continuing keeps the map's encoding: the map has no encoder", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContinueRefusesAnotherGridOrScaling()
    {
        var start = SomModel.Create(new Grid(2, 1), [0, 0, 10, 10], 2);

        var grid = Assert.Throws<SomOptionsException>(() => new SomTrainer(OneMeanStep with { Width = 3, Topology = Topology.Hexagonal, Toroidal = true, Height = 2 }).Continue(start, Rows([1, 1])));
        Assert.Equal(
            "The starting map's grid differs from the training's: the map is 2×1, the options 3×2; the map is rectangular, the options hexagonal; the map is flat, the options toroidal.",
            grid.Message);
        var scaling = Assert.Throws<SomOptionsException>(() => new SomTrainer(OneMeanStep with { Scaling = Scaling.ZScore }).Continue(start, Rows([1, 1])));
        Assert.StartsWith("Continuing keeps the map's scaler (none); the options ask for zscore.", scaling.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStartWithOtherFeaturesIsRefusedWithBothLists()
    {
        var start = SomModel.Create(new Grid(2, 1), [0, 0, 10, 10], 2, ["a", "b"]);

        var count = Assert.Throws<ArgumentException>(() => new SomTrainer(OneMeanStep).Fit(Rows([1, 1, 1]), start));
        Assert.Equal("The starting map has 2 features (a, b); the data has 3 (x0, x1, x2).", count.Message);
        var names = Assert.Throws<ArgumentException>(() => new SomTrainer(OneMeanStep).Fit(
            DataSource.FromMatrix(DataMatrix.FromRows(new[] { new[] { 1f, 1f } }, ["a", "c"])), start));
        Assert.Equal("The starting map's features are a, b; the data's columns are a, c (the same names in the same order are needed).", names.Message);
    }

    [Fact]
    public void FitFromAMapCarriesItsWeightsOverInTheDataUnits()
    {
        // The start's weights [0, 0], [10, 10] scaled by 0.5 are [0, 0], [20, 20] in data units; the
        // new training does not scale: (2, 2) and (6, 6) go to node 0, (18, 18) to node 1.
        var start = SomModel.Create(new Grid(2, 1), [0, 0, 10, 10], 2, scaler: new FeatureScaler(Scaling.MinMax, [0f, 0f], [0.5f, 0.5f]));

        var model = new SomTrainer(OneMeanStep).Fit(Rows([2, 2], [6, 6], [18, 18]), start);

        Assert.Equal([4f, 4f, 18f, 18f], model.Codebook.ToArray());
        Assert.Null(model.Scaler);
    }
}
