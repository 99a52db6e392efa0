namespace Kohonen.Tests.Training;

/// <summary>
/// A training on one thread measures its history on another, on a copy of the codebook, while it goes
/// on: the history, the reports and the model must be those of measuring in line.
/// </summary>
public class HistoryAsideTests
{
    /// <summary>Online trainings that step on one thread: the fused step (3 features), the plain loop
    /// (the bubble) and the wide step (64 features).</summary>
    public static TheoryData<int, Neighborhood> OneThreadTrainings => new()
    {
        { 3, Neighborhood.Gaussian },
        { 3, Neighborhood.Bubble },
        { 64, Neighborhood.Gaussian },
    };

    [Theory]
    [MemberData(nameof(OneThreadTrainings))]
    public void MeasuringAsideGivesTheHistoryReportsAndModelOfMeasuringInLine(int dim, Neighborhood neighborhood)
    {
        var data = TestData.Matrix(TestData.Clusters(300, dim, k: 5, seed: 7));
        var options = new SomOptions { Width = 9, Height = 7, Iterations = 23, Seed = 4, MetricsEvery = 3, Neighborhood = neighborhood, LearningRate = 0.3 };

        // One thread allowed: every measurement in line. Two: the steps before the last aside.
        var (inLine, inLineReports) = Fit(options with { MaxDegreeOfParallelism = 1 }, data);
        var (aside, asideReports) = Fit(options with { MaxDegreeOfParallelism = 2 }, data);

        Assert.Equal(Enumerable.Range(1, 23), asideReports.Select(r => r.Iteration));
        Assert.Equal([3, 6, 9, 12, 15, 18, 21, 23], aside.History.Select(h => h.Iteration));
        Assert.Equal(inLine.History, aside.History);
        Assert.Equal(inLineReports, asideReports);
        Assert.Equal(inLine.CodebookArray, aside.CodebookArray);
    }

    [Fact]
    public void AStepMeasuredAsideIsMeasuredOnTheCodebookAsItWasAtThatStep()
    {
        var dim = 3;
        var data = TestData.Matrix(TestData.Uniform(200, dim, 3));
        var options = new SomOptions { Width = 4, Height = 3, Iterations = 4, MetricsEvery = 2 };
        var grid = options.CreateGrid();
        var reports = new List<TrainingProgress>();
        var run = new TrainingRun(new TrainingData.InMemory(data), options, grid, 2, new ProgressCallback(reports.Add), CancellationToken.None)
        {
            MeasureAside = true,
        };
        var codebook = TestData.Uniform(grid.NodeCount, dim, 11).SelectMany(w => w).ToArray();
        var atStep2 = codebook.ToArray();

        run.Report(0, () => codebook, 2, 0.5);
        run.Report(1, () => codebook, 2, 0.5);
        codebook.AsSpan().Fill(100f); // training goes on: the step measured aside keeps its copy
        run.Report(2, () => codebook, 1, 0.5);
        run.Report(3, () => codebook, 1, 0.5);

        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Iteration));
        Assert.Equal(ReferenceQuantizationError(atStep2, data), run.History[0].QuantizationError, 5);
        Assert.Equal(ReferenceQuantizationError(codebook, data), run.History[1].QuantizationError, 5);
        Assert.Equal(run.History[0].QuantizationError, reports[1].QuantizationError);
        Assert.Null(reports[2].QuantizationError);
    }

    private static (SomModel Model, List<TrainingProgress> Reports) Fit(SomOptions options, DataMatrix data)
    {
        var reports = new List<TrainingProgress>();
        var model = new SomTrainer(options).Fit(data, new ProgressCallback(reports.Add));

        // Elapsed differs from run to run; everything else must not.
        return (model, reports.Select(r => r with { Elapsed = TimeSpan.Zero }).ToList());
    }

    /// <summary>The mean Euclidean distance from each row to its nearest node, node by node in double.</summary>
    private static double ReferenceQuantizationError(float[] codebook, DataMatrix data)
    {
        var total = 0.0;
        for (var r = 0; r < data.Rows; r++)
        {
            var row = data.Row(r);
            var best = double.MaxValue;
            for (var k = 0; k < codebook.Length / row.Length; k++)
            {
                var sum = 0.0;
                for (var j = 0; j < row.Length; j++)
                {
                    var d = (double)row[j] - codebook[k * row.Length + j];
                    sum += d * d;
                }

                best = Math.Min(best, sum);
            }

            total += Math.Sqrt(best);
        }

        return total / data.Rows;
    }
}
