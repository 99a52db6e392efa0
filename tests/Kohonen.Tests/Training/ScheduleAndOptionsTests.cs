
namespace Kohonen.Tests.Training;

public class ScheduleAndOptionsTests
{
    [Fact]
    public void ClassicScheduleHalvesTheLogOfSigmaHalfwayThrough()
    {
        // σ₀ = 5, T = 10: λ = 10 / ln 5, so at t = 5 σ = 5·exp(−ln 5 / 2) = √5 and α = 0.1/√5.
        var schedule = new TrainingSchedule(new SomOptions { Width = 10, Height = 10, Iterations = 10 });

        Assert.Equal(10 / Math.Log(5), schedule.Lambda, 12);
        Assert.Equal(5.0, schedule.Sigma(0), 12);
        Assert.Equal(Math.Sqrt(5), schedule.Sigma(5), 12);
        Assert.Equal(0.1 / Math.Sqrt(5), schedule.LearningRate(5), 12);
    }

    [Fact]
    public void OtherDecaysFollowTheirFormulas()
    {
        var o = new SomOptions { Width = 4, Height = 4, Iterations = 200, LearningRate = 0.5, Sigma = 3 };

        Assert.Equal(0.5 * 0.75, new TrainingSchedule(o with { LearningRateDecay = Decay.Linear }).LearningRate(50), 12);
        Assert.Equal(3.0 * 2 / (2 + 50), new TrainingSchedule(o with { SigmaDecay = Decay.Inverse }).Sigma(50), 12);
        Assert.Equal(0.5 / 1.5, new TrainingSchedule(o with { LearningRateDecay = Decay.Asymptotic }).LearningRate(50), 12);
    }

    [Theory]
    [InlineData("Width", 0)]
    [InlineData("Height", 70000)]
    [InlineData("Iterations", 0)]
    [InlineData("MaxDegreeOfParallelism", 0)]
    public void AnOutOfRangeNumberNamesTheOptionAndTheRange(string option, int value)
    {
        var error = Assert.Throws<SomOptionsException>(() => option switch
        {
            "Width" => new SomOptions { Width = value },
            "Height" => new SomOptions { Height = value },
            "Iterations" => new SomOptions { Iterations = value },
            _ => new SomOptions { MaxDegreeOfParallelism = value },
        });

        Assert.Equal(option, error.Option);
        Assert.Matches($@"^{option} must be in \d+\.\.\d+; got {value}\.$", error.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ALearningRateOutsideZeroToOneIsRefused(double rate)
    {
        var error = Assert.Throws<SomOptionsException>(() => new SomOptions { LearningRate = rate });

        Assert.Equal("LearningRate", error.Option);
        Assert.Contains("(0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheClassicDecayOnATwoByTwoMapExplainsThatSigmaMustExceedOne()
    {
        var error = Assert.Throws<SomOptionsException>(() => new SomOptions { Width = 2, Height = 2 }.Validate());

        Assert.Equal("Sigma", error.Option);
        Assert.Contains("Sigma > 1", error.Message, StringComparison.Ordinal);
        new SomOptions { Width = 2, Height = 2, SigmaDecay = Decay.Linear, LearningRateDecay = Decay.Linear }.Validate();
    }

    [Fact]
    public void TheBatchAlgorithmRefusesTheMexicanHat()
    {
        var error = Assert.Throws<SomOptionsException>(() =>
            new SomTrainer(new SomOptions { Algorithm = TrainingAlgorithm.Batch, Neighborhood = Neighborhood.MexicanHat }));

        Assert.Equal("Neighborhood", error.Option);
    }

    [Fact]
    public void EnumTextIsKebabCaseAndParsingListsTheValidNames()
    {
        Assert.Equal("mexican-hat", OptionText.ToText(Neighborhood.MexicanHat));
        Assert.Equal(Decay.ExponentialClassic, OptionText.Parse<Decay>("Exponential_Classic", "decay"));
        Assert.Equal("zscore", OptionText.ToText(Kohonen.Scaling.ZScore));
        Assert.Equal(Kohonen.Scaling.MinMax, OptionText.Parse<Kohonen.Scaling>("min-max", "scale"));
        Assert.Equal(Kohonen.Scaling.ZScore, OptionText.Parse<Kohonen.Scaling>("zscore", "scale"));

        var error = Assert.Throws<ArgumentException>(() => OptionText.Parse<Neighborhood>("gauss", "neighborhood"));
        Assert.Equal("Unknown neighborhood 'gauss'; allowed: gaussian, bubble, mexican-hat, triangle.", error.Message);
    }
}
