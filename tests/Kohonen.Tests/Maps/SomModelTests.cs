
namespace Kohonen.Tests.Maps;

/// <summary>Transform, column matching by name and the double overloads of a model, on hand-set
/// weights and against plain double-precision references.</summary>
public class SomModelTests
{
    [Fact]
    public void TransformGivesTheEuclideanDistanceToEveryNode()
    {
        // Node 0 at (0, 0), node 1 at (3, 4): a 3-4-5 triangle.
        var model = SomModel.Create(new Grid(2, 1), [0f, 0f, 3f, 4f], 2);

        Assert.Equal([0f, 5f], model.Transform([0f, 0f]));
        Assert.Equal([3f, 4f], model.Transform([3f, 0f]));
        Assert.Equal([5f, 0f], model.Transform([3.0, 4.0]));
    }

    [Fact]
    public void TransformMeasuresInTheScaledSpaceAsTheBmuDistanceDoes()
    {
        // Min-max over [10, 20] and [0, 4]: the input (15, 1) is (0.5, 0.25) in the map's space.
        var scaler = FeatureScaler.Fit(DataMatrix.FromRows([[10f, 0f], [20f, 4f]]), Scaling.MinMax)!;
        var model = SomModel.Create(new Grid(1, 2), [0.5f, 0.25f, 0.5f, 1.25f], 2, ["a", "b"], scaler);

        var distances = model.Transform([15f, 1f]);

        Assert.Equal(0f, distances[0], 6);
        Assert.Equal(1f, distances[1], 6);
        Assert.Equal(model.FindBmu([15f, 1f]).Distance, distances[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(40)]
    public void TransformOfEveryRowMatchesAPlainReferenceAndItsLeastIsTheBmu(int dim)
    {
        var grid = new Grid(6, 5);
        var codebook = TestData.Uniform(grid.NodeCount, dim, dim).SelectMany(r => r).ToArray();
        var rows = TestData.Uniform(50, dim, 100 + dim);
        var model = SomModel.Create(grid, codebook, dim);

        var all = model.Transform(DataMatrix.FromRows(rows), maxThreads: 2);
        var bmus = model.FindBmus(DataMatrix.FromRows(rows));

        Assert.Equal((50, grid.NodeCount), (all.Rows, all.Columns));
        Assert.Equal("node_1_2", all.ColumnNames[13]);
        for (var r = 0; r < rows.Length; r++)
        {
            var least = 0;
            for (var node = 0; node < grid.NodeCount; node++)
            {
                var sum = 0.0;
                for (var f = 0; f < dim; f++)
                {
                    var d = (double)rows[r][f] - codebook[(node * dim) + f];
                    sum += d * d;
                }

                Assert.Equal(Math.Sqrt(sum), all[r, node], 1e-5);
                if (all[r, node] < all[r, least])
                {
                    least = node;
                }
            }

            Assert.Equal(model.Transform(rows[r]), all.Row(r).ToArray());
            Assert.Equal(bmus[r].Index, least);
            Assert.Equal(bmus[r].Distance, all[r, least], 1e-6);
        }
    }

    [Fact]
    public void TransformRefusesAWrongLengthANonFiniteValueAndAShortDestination()
    {
        var model = SomModel.Create(new Grid(2, 2), new float[8], 2, ["a", "b"]);

        Assert.Throws<ArgumentException>(() => model.Transform([1f]));
        Assert.Contains("('b') is Infinity", Assert.Throws<ArgumentException>(() => model.Transform([1f, float.PositiveInfinity])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Transform([1f, 2f], new float[3]));
    }

    [Fact]
    public void NamedColumnsInAnotherOrderAreMatchedToTheFeaturesByName()
    {
        // Features (a, b, c) on very different scales, so a column taken for another is far off.
        var model = SomModel.Create(new Grid(2, 1), [1f, 100f, 1000f, 2f, 200f, 2000f], 3, ["a", "b", "c"]);
        var ordered = DataMatrix.FromRows([[1.1f, 101f, 1001f], [2f, 190f, 1990f]], ["a", "b", "c"]);
        var shuffled = DataMatrix.FromRows([[1001f, 1.1f, 101f], [1990f, 2f, 190f]], ["c", "a", "b"]);

        var expected = model.FindBmus(ordered);
        var actual = model.FindBmus(shuffled);

        Assert.Equal([0, 1], expected.Select(b => b.Index));
        Assert.Equal(expected, actual);
        Assert.Equal(MathF.Sqrt((0.1f * 0.1f) + 1 + 1), actual[0].Distance, 4);
        Assert.Equal(model.QuantizationError(ordered), model.QuantizationError(shuffled));
        Assert.Equal(model.Transform(ordered).Values.ToArray(), model.Transform(shuffled).Values.ToArray());
        Assert.Equal(model.HitMap(ordered).AsSpan().ToArray(), model.HitMap(shuffled).AsSpan().ToArray());
    }

    [Fact]
    public void NamedColumnsThatAreNotTheFeaturesAreRefusedWithTheirNames()
    {
        var model = SomModel.Create(new Grid(2, 1), new float[6], 3, ["a", "b", "c"]);

        var wrong = Assert.Throws<ArgumentException>(() => model.FindBmus(DataMatrix.FromRows([[1f, 2f, 3f]], ["a", "b", "d"])));
        var fewer = Assert.Throws<ArgumentException>(() => model.FindBmus(DataMatrix.FromRows([[1f, 2f]], ["b", "a"])));
        var twice = Assert.Throws<ArgumentException>(() => model.FindBmus(DataMatrix.FromRows([[1f, 2f, 3f, 4f]], ["a", "b", "c", "a"])));

        Assert.StartsWith("The data's columns are matched to the map's features by name, and they do not match: missing 'c'; not features of the map: 'd'. The map's features: 'a', 'b', 'c'.", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("missing 'c'", fewer.Message, StringComparison.Ordinal);
        Assert.Contains("named twice: 'a'", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnnamedDataOrAnUnnamedModelMatchesColumnsByPosition()
    {
        var named = SomModel.Create(new Grid(2, 1), [0f, 0f, 10f, 0f], 2, ["a", "b"]);
        var unnamed = SomModel.Create(new Grid(2, 1), [0f, 0f, 10f, 0f], 2);

        // Positionally, (9, 0) is near node 1; swapped by name it would be (0, 9), near node 0.
        Assert.Equal(1, named.FindBmus(DataMatrix.FromRows([[9f, 0f]])).Single().Index);
        Assert.Equal(1, unnamed.FindBmus(DataMatrix.FromRows([[9f, 0f]], ["b", "a"])).Single().Index);
        Assert.Equal(0, named.FindBmus(DataMatrix.FromRows([[9f, 0f]], ["b", "a"])).Single().Index);
        Assert.Throws<ArgumentException>(() => named.FindBmus(DataMatrix.FromRows([[9f, 0f, 1f]])));
    }

    [Fact]
    public void DoubleInputsAreRoundedToFloatsAndTooLargeOnesAreRefused()
    {
        var model = SomModel.Create(new Grid(3, 1), [0f, 1f, 2f], 1, ["v"]);

        Assert.Equal(model.FindBmu([1.4f]), model.FindBmu([1.4]));
        Assert.Equal(2, model.FindBmu([1.6]).Index);
        var huge = Assert.Throws<ArgumentException>(() => model.FindBmu([1e39]));
        Assert.Contains("value 0 ('v') is 1E+39, beyond the range of float", huge.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.FindBmu([double.NaN]));
        Assert.Throws<ArgumentException>(() => model.FindBmu([1.0, 2.0]));
    }
}
