
namespace Kohonen.Tests.Data;

/// <summary>Data sources and the ways of building a matrix from doubles and arrays.</summary>
public sealed class DataSourceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-source-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ASourceFromAMatrixTrainsTheSameMapAsTheMatrix()
    {
        var data = DataMatrix.FromRows(TestData.Clusters(120, 4, 3, 5), ["a", "b", "c", "d"]);
        var options = new SomOptions { Width = 4, Height = 3, Iterations = 5, Seed = 9, Scaling = Scaling.ZScore };

        using var source = DataSource.FromMatrix(data);
        var fromSource = new SomTrainer(options).Fit(source);
        var fromMatrix = new SomTrainer(options).Fit(data);

        Assert.False(source.IsStreamed);
        Assert.Equal((120, 4), (source.Rows, source.Columns));
        Assert.Equal(fromMatrix.Codebook.ToArray(), fromSource.Codebook.ToArray());
        Assert.Equal(["a", "b", "c", "d"], fromSource.FeatureNames);
    }

    [Fact]
    public void AStreamedSourceKeepsTheGivenColumnNamesAndIsMeasuredAsInMemory()
    {
        var data = DataMatrix.FromRows(TestData.Clusters(90, 3, 3, 2), ["r", "g", "b"]);
        var path = Path.Combine(_folder, "rows.npy");
        NpyFile.Write(path, data);
        var options = new SomOptions { Width = 3, Height = 3, Iterations = 4, Seed = 1, Algorithm = TrainingAlgorithm.Batch };

        using var source = DataSource.FromNpy(path, 7, ["r", "g", "b"]);
        var model = new SomTrainer(options).Fit(source);

        Assert.True(source.IsStreamed);
        Assert.Equal(["r", "g", "b"], source.ColumnNames);
        Assert.Equal(["r", "g", "b"], model.FeatureNames);
        Assert.Equal(QualityMetrics.OfTraining(model, data), QualityMetrics.OfTraining(model, source));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSource.FromNpy(path, 0));
        Assert.Throws<ArgumentException>(() => DataSource.FromNpy(path, 5, ["only one"]));
    }

    [Fact]
    public void AMatrixOfDoublesHoldsEachValueRoundedToTheNearestFloat()
    {
        double[] values = [0.1, 1e-3, -2.5, 1.0 / 3];

        var fromSpan = new DataMatrix(values, 2, 2, ["p", "q"]);
        var fromRows = DataMatrix.FromRows([[0.1, 1e-3], [-2.5, 1.0 / 3]]);
        var fromArray = DataMatrix.FromArray(new[,] { { 0.1, 1e-3 }, { -2.5, 1.0 / 3 } });
        var fromFloats = DataMatrix.FromArray(new[,] { { 0.1f, 1e-3f }, { -2.5f, 1f / 3 } });

        float[] expected = [0.1f, 1e-3f, -2.5f, 1f / 3];
        Assert.Equal(expected, fromSpan.Values.ToArray());
        Assert.Equal(expected, fromRows.Values.ToArray());
        Assert.Equal(expected, fromArray.Values.ToArray());
        Assert.Equal(expected, fromFloats.Values.ToArray());
        Assert.Equal((2, 2), (fromArray.Rows, fromArray.Columns));
        Assert.Equal(["p", "q"], fromSpan.ColumnNames);
        var huge = Assert.Throws<ArgumentException>(() => new DataMatrix([1.0, 2.0, 3.0, -1e300], 2, 2));
        Assert.StartsWith("Row 1, column 1 is -1E+300, beyond the range of float", huge.Message, StringComparison.Ordinal);
    }
}
