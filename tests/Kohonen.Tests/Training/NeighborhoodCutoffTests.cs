
namespace Kohonen.Tests.Training;

/// <summary>The default online training skips steps below 2⁻²⁴; its quality stays within 1 % of the
/// exact run on the same data and seed.</summary>
public class NeighborhoodCutoffTests
{
    [Theory]
    [InlineData(Topology.Rectangular, false, Neighborhood.Gaussian, 3)]
    [InlineData(Topology.Rectangular, true, Neighborhood.Gaussian, 3)]
    [InlineData(Topology.Hexagonal, false, Neighborhood.Gaussian, 3)]
    [InlineData(Topology.Hexagonal, true, Neighborhood.Gaussian, 5)]
    [InlineData(Topology.Rectangular, false, Neighborhood.MexicanHat, 3)]
    [InlineData(Topology.Hexagonal, false, Neighborhood.Triangle, 3)]
    [InlineData(Topology.Rectangular, false, Neighborhood.Gaussian, 12)]
    public void CutoffKeepsQuantizationAndTopographicErrorsWithinOnePercentOfExact(Topology topology, bool toroidal, Neighborhood neighborhood, int dim)
    {
        var data = DataMatrix.FromRows(TestData.Clusters(60, dim, k: 6, seed: 8));
        var options = new SomOptions
        {
            Width = 24, Height = 20, Topology = topology, Toroidal = toroidal, Neighborhood = neighborhood, Iterations = 300, Seed = 4,
            // The Mexican hat's push away compounds: a gentle rate and radius keep it stable.
            LearningRate = neighborhood == Neighborhood.MexicanHat ? 0.02 : 0.1,
            Sigma = neighborhood == Neighborhood.MexicanHat ? 3 : null,
        };

        var cut = new SomTrainer(options).Fit(data);
        var exact = new SomTrainer(options with { ExactNeighborhood = true }).Fit(data);

        var (qeCut, qeExact) = (cut.QuantizationError(data), exact.QuantizationError(data));
        var (teCut, teExact) = (cut.TopographicError(data), exact.TopographicError(data));
        Assert.True(Math.Abs(qeCut - qeExact) <= 0.01 * qeExact, $"QE {qeCut} vs exact {qeExact}");
        Assert.True(Math.Abs(teCut - teExact) <= 0.01 * Math.Max(teExact, 1.0 / data.Rows), $"TE {teCut} vs exact {teExact}");
    }

    [Fact]
    public void TheCutoffSkipsUpdatesFarFromTheBmuSoTheTwoModesDiffer()
    {
        // A small radius late in training puts most of a 40×40 map below the cut-off.
        var data = DataMatrix.FromRows(TestData.Uniform(30, 3, seed: 2));
        var options = new SomOptions { Width = 40, Height = 40, Iterations = 200, Seed = 1 };

        var cut = new SomTrainer(options).Fit(data).Codebook.ToArray();
        var exact = new SomTrainer(options with { ExactNeighborhood = true }).Fit(data).Codebook.ToArray();

        Assert.NotEqual(exact, cut);
        Assert.True(cut.Zip(exact).Max(p => Math.Abs(p.First - p.Second)) < 1e-3f);
    }

    [Fact]
    public void AMexicanHatThatPushesWeightsToOverflowStopsWithAnExplanation()
    {
        var data = DataMatrix.FromRows(TestData.Clusters(60, 3, k: 6, seed: 8));
        var options = new SomOptions { Width = 24, Height = 20, Neighborhood = Neighborhood.MexicanHat, Iterations = 300, Seed = 4, LearningRate = 1, ExactNeighborhood = true };

        var error = Assert.Throws<TrainingDivergedException>(() => new SomTrainer(options).Fit(data));

        Assert.InRange(error.Iteration, 1, 300);
        Assert.Contains("lower the learning rate or the radius (sigma), or use another neighbourhood", error.Message, StringComparison.Ordinal);
    }
}
