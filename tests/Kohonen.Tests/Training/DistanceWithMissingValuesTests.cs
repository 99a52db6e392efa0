namespace Kohonen.Tests.Training;

/// <summary>Missing values (NaN) are searched with the Euclidean distance only: a map of another
/// distance refuses them, in training (online, batch, streamed) and in every search of a trained map,
/// rather than answering NaN.</summary>
public class DistanceWithMissingValuesTests
{
    private static DataMatrix Rows(bool withHole) => DataMatrix.FromRows(
    [
        [0.1f, 0.2f, 0.3f],
        [0.9f, withHole ? float.NaN : 0.8f, 0.7f],
        [0.5f, 0.4f, 0.6f],
        [0.2f, 0.9f, 0.1f],
    ]);

    private static SomOptions Options(DistanceMetric distance, TrainingAlgorithm algorithm) => new()
    {
        Width = 3, Height = 2, Sigma = 1.5, Iterations = 4, Seed = 1, Distance = distance, Algorithm = algorithm,
    };

    [Theory]
    [InlineData(DistanceMetric.Manhattan, TrainingAlgorithm.Online)]
    [InlineData(DistanceMetric.Manhattan, TrainingAlgorithm.Batch)]
    [InlineData(DistanceMetric.Cosine, TrainingAlgorithm.Online)]
    [InlineData(DistanceMetric.Cosine, TrainingAlgorithm.Batch)]
    public void TrainingAnotherDistanceOnRowsWithHolesIsRefusedNamingTheDistance(DistanceMetric distance, TrainingAlgorithm algorithm)
    {
        var error = Assert.Throws<SomOptionsException>(() => new SomTrainer(Options(distance, algorithm)).Fit(DataSource.FromMatrix(Rows(withHole: true))));

        Assert.Contains("missing values", error.Message);
        Assert.Contains(distance == DistanceMetric.Manhattan ? "manhattan" : "cosine", error.Message);
    }

    [Fact]
    public void AMapOfAnotherDistanceRefusesAnInputWithAHoleInEverySearch()
    {
        var model = new SomTrainer(Options(DistanceMetric.Manhattan, TrainingAlgorithm.Batch)).Fit(DataSource.FromMatrix(Rows(withHole: false)));
        float[] holed = [0.5f, float.NaN, 0.5f];

        Assert.Contains("missing values", Assert.Throws<ArgumentException>(() => model.FindBmu((ReadOnlySpan<float>)holed)).Message);
        Assert.Throws<ArgumentException>(() => model.FindBmus(Rows(withHole: true)));
        Assert.Throws<ArgumentException>(() => model.Transform((ReadOnlySpan<float>)holed));
        Assert.Throws<ArgumentException>(() => model.QuantizationError(Rows(withHole: true)));
        // Complete rows are still answered.
        Assert.Equal(4, model.FindBmus(Rows(withHole: false)).Length);
    }

    [Fact]
    public void AEuclideanMapAnswersTheSameInputOverItsPresentFeatures()
    {
        var model = new SomTrainer(Options(DistanceMetric.Euclidean, TrainingAlgorithm.Batch)).Fit(DataSource.FromMatrix(Rows(withHole: true)));

        Assert.True(float.IsFinite(model.FindBmu([0.5f, float.NaN, 0.5f]).Distance));
    }
}
