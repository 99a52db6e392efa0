namespace Kohonen.Tests.Data;

public sealed class FeatureEncoderTests
{
    private static readonly string[] Colours = ["red", "green", "red", "blue", "green", "red", "blue", "blue"];

    private static readonly float[] Lengths = [1f, 2f, 3f, 4f, 5f, 6f, 7f, 9f];

    private static DataMatrix Numbers(params float[] lengths) => new(lengths, lengths.Length, 1, ["length"]);

    private static Dictionary<string, IReadOnlyList<string?>> Text(params string?[] colours) => new() { ["colour"] = colours };

    private static FeatureEncoder LengthAndColour(double colourWeight = 1, double lengthWeight = 1) =>
        FeatureEncoder.Fit(["length", "colour"], [FeatureKind.Numeric, FeatureKind.Categorical], Text(Colours), [lengthWeight, colourWeight]);

    [Fact]
    public void CategoriesAreLearnedInOrdinalOrderAndOneHotEncoded()
    {
        var encoder = LengthAndColour();

        Assert.Equal(["blue", "green", "red"], encoder.Categories[1]);
        Assert.Empty(encoder.Categories[0]);
        Assert.Equal(["length", "colour = blue", "colour = green", "colour = red"], encoder.FeatureNames);

        var encoded = encoder.Encode(Numbers(1.5f, 2.5f), Text("green", "blue"));

        Assert.Equal([1.5f, 0f, 1f, 0f, 2.5f, 1f, 0f, 0f], encoded.Values.ToArray());
        Assert.Equal(encoder.FeatureNames, encoded.ColumnNames);
    }

    [Fact]
    public void AnUnseenCategoryBecomesMissingAndIsReported()
    {
        var encoder = LengthAndColour();
        var unseen = new List<UnseenCategory>();

        var encoded = encoder.Encode(Numbers(1f, 2f, 3f), Text("red", "purple", ""), unseen);

        Assert.Equal([1f, 0f, 0f, 1f], encoded.Row(0).ToArray());
        Assert.Equal(2f, encoded[1, 0]);
        Assert.True(encoded.Row(1)[1..].ToArray().All(float.IsNaN));
        Assert.True(encoded.Row(2)[1..].ToArray().All(float.IsNaN));
        Assert.Equal([new UnseenCategory(1, "colour", "purple")], unseen);
    }

    [Fact]
    public void OneRowIsEncodedColumnByColumn()
    {
        var encoder = LengthAndColour();
        var unseen = new List<UnseenCategory>();

        Assert.Equal([4f, 0f, 0f, 1f], encoder.EncodeRow([4.0, 0], [null, "red"], unseen));
        var row = encoder.EncodeRow([4.0, 0], [null, "mauve"], unseen);

        Assert.True(row[1..].All(float.IsNaN));
        Assert.Equal([new UnseenCategory(0, "colour", "mauve")], unseen);
    }

    [Fact]
    public void ACategoricalFeatureCountsAsOneFeatureInTheDistance()
    {
        // Min-max scaling: the length's whole range adds 1 to the squared distance, and so does a
        // change of colour, whatever the number of colours.
        var encoder = LengthAndColour();
        var data = encoder.Encode(Numbers(Lengths), Text(Colours));
        var model = Train(data, encoder, Scaling.MinMax);
        var scaler = model.Scaler!;

        Assert.Equal(Scaling.MinMax, scaler.Kind);
        Assert.Equal([1f, 0f, 0f, 0f], scaler.Offset.ToArray());
        Assert.Equal([1f / 8f, MathF.Sqrt(0.5f), MathF.Sqrt(0.5f), MathF.Sqrt(0.5f)], scaler.Factor.ToArray());
        Assert.Equal(1.0, SquaredScaledDistance(scaler, [1f, 0, 0, 1], [9f, 0, 0, 1]), 6);
        Assert.Equal(1.0, SquaredScaledDistance(scaler, [5f, 0, 0, 1], [5f, 1, 0, 0]), 6);

        // With weight 3 a change of colour counts three times.
        var heavy = LengthAndColour(colourWeight: 3);
        var heavyModel = Train(heavy.Encode(Numbers(Lengths), Text(Colours)), heavy, Scaling.MinMax);
        Assert.Equal(3.0, SquaredScaledDistance(heavyModel.Scaler!, [5f, 0, 0, 1], [5f, 0, 1, 0]), 6);
    }

    [Fact]
    public void DistancesFromAModelWithCategoriesMatchAPlainReference()
    {
        var encoder = LengthAndColour(colourWeight: 2, lengthWeight: 0.5);
        var model = Train(encoder.Encode(Numbers(Lengths), Text(Colours)), encoder, Scaling.MinMax);
        var input = encoder.Encode(Numbers(4.5f), Text("green"));

        var distances = model.Transform(input.Row(0));

        // Reference: the node's weights in the data's own units (length, the share of each colour),
        // from the codebook by the documented rule (one-hot features: weight/√(w/2); length: min-max
        // inverse after removing √w), and d² = 0.5·((x − v)/8)² + (2/2)·Σ (onehot − share)².
        for (var node = 0; node < model.Grid.NodeCount; node++)
        {
            var c = model.Codebook.Slice(node * 4, 4);
            var length = (c[0] / Math.Sqrt(0.5) * 8) + 1;
            double[] shares = [c[1] / Math.Sqrt(1.0), c[2] / Math.Sqrt(1.0), c[3] / Math.Sqrt(1.0)];
            var d2 = (0.5 * Math.Pow((4.5 - length) / 8, 2)) + (1.0 * (Math.Pow(0 - shares[0], 2) + Math.Pow(1 - shares[1], 2) + Math.Pow(0 - shares[2], 2)));
            Assert.Equal(Math.Sqrt(d2), distances[node], 4);
        }

        // The component plane of a category is its share per node, between 0 and 1.
        var plane = model.ComponentPlane(2);
        Assert.All(plane, v => Assert.InRange(v, -1e-5f, 1 + 1e-5f));
    }

    [Fact]
    public void AFeatureWeightTrainsAsTheFeatureMultipliedByTheRootOfTheWeight()
    {
        var rows = TestData.Clusters(60, 3, 3, seed: 4);
        var names = new[] { "a", "b", "c" };
        double[] weights = [4, 1, 0.25];
        var encoder = new FeatureEncoder(names, [FeatureKind.Numeric, FeatureKind.Numeric, FeatureKind.Numeric], [[], [], []], weights);
        var weighted = Train(DataMatrix.FromRows(rows, names), encoder, Scaling.None);

        var multiplied = rows.Select(r => r.Select((v, j) => v * (float)Math.Sqrt(weights[j])).ToArray()).ToArray();
        var plain = new SomTrainer(Options(Scaling.None)).Fit(DataMatrix.FromRows(multiplied, names));

        Assert.Equal(plain.Codebook.ToArray(), weighted.Codebook.ToArray());
        Assert.Equal(Scaling.None, weighted.Scaler!.Kind);

        // The distance is the weighted distance to the node's weights in the data's own units.
        var x = new[] { 3f, 7f, 1f };
        var bmu = weighted.FindBmu(x);
        var best = double.PositiveInfinity;
        for (var node = 0; node < weighted.Grid.NodeCount; node++)
        {
            var d2 = 0.0;
            for (var j = 0; j < 3; j++)
            {
                var own = weighted.Codebook[(node * 3) + j] / Math.Sqrt(weights[j]);
                d2 += weights[j] * Math.Pow(x[j] - own, 2);
            }

            best = Math.Min(best, d2);
        }

        Assert.Equal(Math.Sqrt(best), bmu.Distance, 4);
        Assert.Equal(weighted.Codebook[(bmu.Index * 3) + 2] / 0.5f, weighted.ComponentPlane(2)[bmu.Index], 5);
    }

    [Fact]
    public void WeightsOfOneAndNoCategoriesLeaveTheScalerAsItWas()
    {
        var rows = TestData.Clusters(30, 2, 2, seed: 2);
        var encoder = new FeatureEncoder(["a", "b"], [FeatureKind.Numeric, FeatureKind.Numeric], [[], []]);
        var data = DataMatrix.FromRows(rows, ["a", "b"]);

        var withEncoder = Train(data, encoder, Scaling.ZScore);
        var without = new SomTrainer(Options(Scaling.ZScore)).Fit(data);

        Assert.Equal(without.Codebook.ToArray(), withEncoder.Codebook.ToArray());
        Assert.Equal(without.Scaler!.Factor.ToArray(), withEncoder.Scaler!.Factor.ToArray());
    }

    [Fact]
    public void TheModelEncodesTablesAndFindsTheirBmus()
    {
        var encoder = LengthAndColour();
        var model = Train(encoder.Encode(Numbers(Lengths), Text(Colours)), encoder, Scaling.MinMax);
        var unseen = new List<UnseenCategory>();

        var direct = model.FindBmus(encoder.Encode(Numbers(2f, 8f), Text("red", "blue")));
        var viaTable = model.FindBmusWithCategories(Numbers(2f, 8f), Text("red", "blue"), unseen);

        Assert.Equal(direct, viaTable);
        Assert.Empty(unseen);
        Assert.Same(encoder, model.Encoder);
    }

    [Fact]
    public void BadEncodersAreRefusedWithTheReason()
    {
        FeatureKind[] numeric2 = [FeatureKind.Numeric, FeatureKind.Numeric];
        Assert.Contains("weight must be a finite number above 0", Assert.Throws<ArgumentException>(() => new FeatureEncoder(["a", "b"], numeric2, [[], []], [1, 0])).Message, StringComparison.Ordinal);
        Assert.Contains("weight must be a finite number above 0", Assert.Throws<ArgumentException>(() => new FeatureEncoder(["a", "b"], numeric2, [[], []], [double.NaN, 1])).Message, StringComparison.Ordinal);
        Assert.Contains("'a' is named twice", Assert.Throws<ArgumentException>(() => new FeatureEncoder(["a", "a"], numeric2, [[], []])).Message, StringComparison.Ordinal);
        Assert.Contains("needs at least one category", Assert.Throws<ArgumentException>(() => new FeatureEncoder(["c"], [FeatureKind.Categorical], [[]])).Message, StringComparison.Ordinal);
        Assert.Contains("lists category 'x' twice", Assert.Throws<ArgumentException>(() => new FeatureEncoder(["c"], [FeatureKind.Categorical], [["x", "x"]])).Message, StringComparison.Ordinal);
        Assert.Contains("Two features would be named 'c = x'", Assert.Throws<ArgumentException>(() => new FeatureEncoder(["c = x", "c"], [FeatureKind.Numeric, FeatureKind.Categorical], [[], ["x"]])).Message, StringComparison.Ordinal);
        Assert.Contains("only empty cells", Assert.Throws<ArgumentException>(() => FeatureEncoder.Fit(["colour"], [FeatureKind.Categorical], Text("", null))).Message, StringComparison.Ordinal);

        var encoder = LengthAndColour();
        Assert.Contains("lacks the map's input columns 'colour'", Assert.Throws<ArgumentException>(() => encoder.Encode(Numbers(1f), null)).Message, StringComparison.Ordinal);
        Assert.Contains("has 1 values; the other columns have 2 rows", Assert.Throws<ArgumentException>(() => encoder.Encode(Numbers(1f, 2f), Text("red"))).Message, StringComparison.Ordinal);
        Assert.Contains("Not numeric columns of the map: 'width'", Assert.Throws<ArgumentException>(() => encoder.Encode(new DataMatrix([1f], 1, 1, ["width"]), Text("red"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelWithoutCategoriesRefusesText()
    {
        var model = new SomTrainer(Options(Scaling.None)).Fit(DataMatrix.FromRows(TestData.Uniform(10, 2, 1), ["a", "b"]));

        var error = Assert.Throws<ArgumentException>(() => model.Encode(null, Text("red")));

        Assert.Contains("The map has no categorical columns", error.Message, StringComparison.Ordinal);
    }

    internal static SomOptions Options(Scaling scaling) =>
        new() { Width = 3, Height = 2, Iterations = 10, Seed = 5, Scaling = scaling, MaxDegreeOfParallelism = 1 };

    internal static SomModel Train(DataMatrix data, FeatureEncoder encoder, Scaling scaling) =>
        new SomTrainer(Options(scaling)).Fit(DataSource.FromMatrix(data).WithEncoder(encoder));

    /// <summary>Σ over features of (s(a) − s(b))², the scaled space's squared distance, in double.</summary>
    private static double SquaredScaledDistance(FeatureScaler scaler, float[] a, float[] b)
    {
        var sa = new float[a.Length];
        var sb = new float[b.Length];
        scaler.Transform(a, sa);
        scaler.Transform(b, sb);
        return sa.Zip(sb).Sum(p => Math.Pow(p.First - p.Second, 2));
    }
}
