namespace Kohonen.Tests.Training;

/// <summary>The batch map trains to the same codebook, bit for bit, whichever BMU search the planner
/// picks: the blocked search (with last epoch's BMUs as hints) against a row-by-row scan, on data full
/// of exact ties and on ordinary data. (On a processor without the blocked search's vectors both runs
/// scan row by row, and the test still holds.)</summary>
public class PlannedSearchTrainingTests
{
    [Theory]
    [InlineData(8, 6, 5, true)]
    [InlineData(16, 20, 15, true)]
    [InlineData(16, 20, 15, false)]
    [InlineData(40, 9, 7, false)]
    [InlineData(3, 10, 8, true)]
    public void TheBatchMapGivesTheSameCodebookWithThePlannedSearchAsRowByRow(int dim, int width, int height, bool lattice)
    {
        var random = new Random(dim + width);
        var rows = Enumerable.Range(0, 700)
            .Select(_ => Enumerable.Range(0, dim).Select(_ => lattice ? random.Next(0, 5) * 0.25f : random.NextSingle()).ToArray())
            .ToArray();
        var data = TestData.Matrix(rows);
        var options = new SomOptions
        {
            Width = width, Height = height, Algorithm = TrainingAlgorithm.Batch, Iterations = 6, Seed = 3, MaxDegreeOfParallelism = 2,
        };

        var planned = Train(options, data, planned: true);
        var rowByRow = Train(options, data, planned: false);

        Assert.Equal(rowByRow, planned);
    }

    private static float[] Train(SomOptions options, DataMatrix data, bool planned)
    {
        var grid = options.CreateGrid();
        var random = new SomRandom(options.Seed!.Value);
        var rows = new TrainingData.InMemory(data);
        var codebook = CodebookInitializer.Create(rows, grid, options.Initialization, random);
        var run = new TrainingRun(rows, options, grid, options.MaxDegreeOfParallelism!.Value, null, CancellationToken.None);
        BatchTrainer.Train(codebook, grid, run, planned);
        return codebook;
    }
}
