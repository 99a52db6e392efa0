using Kohonen.Tests.Reference;

namespace Kohonen.Tests.Training;

/// <summary>The end values of the schedule (<see cref="SomOptions.SigmaEnd"/>,
/// <see cref="SomOptions.LearningRateEnd"/>): each decay's values worked out by hand.</summary>
public class ScheduleEndTests
{
    private static readonly SomOptions Base = new() { Width = 4, Height = 4 };

    [Fact]
    public void LinearRunsFromTheStartAtTheFirstIterationToTheEndAtTheLast()
    {
        // σ₀ = 5 → 1 over T = 5: one step of 1 per iteration.
        var schedule = new TrainingSchedule(Base with { Iterations = 5, Sigma = 5, SigmaEnd = 1, SigmaDecay = Decay.Linear });

        Assert.Equal([5.0, 4.0, 3.0, 2.0, 1.0], Enumerable.Range(0, 5).Select(schedule.Sigma));
    }

    [Fact]
    public void TheLearningRateEndsWhereItIsToldToo()
    {
        var schedule = new TrainingSchedule(Base with { Iterations = 10, LearningRate = 0.5, LearningRateEnd = 0.05, LearningRateDecay = Decay.Linear });

        Assert.Equal(0.5, schedule.LearningRate(0));
        Assert.Equal(0.05, schedule.LearningRate(9));
        Assert.Equal(0.5 - (0.45 * 4 / 9), schedule.LearningRate(4), 15);
    }

    [Fact]
    public void ExponentialWithAnEndIsTheGeometricCurveThatReachesItAtT()
    {
        // 8·(1/8)^(t/3): 8, 4, 2, and 1 one step after the last iteration.
        var schedule = new TrainingSchedule(Base with { Iterations = 3, Sigma = 8, SigmaEnd = 1 });

        Assert.Equal(8.0, schedule.Sigma(0), 12);
        Assert.Equal(4.0, schedule.Sigma(1), 12);
        Assert.Equal(2.0, schedule.Sigma(2), 12);
    }

    [Theory]
    [InlineData(Decay.Inverse)]
    [InlineData(Decay.Asymptotic)]
    public void InverseAndAsymptoticWithAnEndAreTheSameHyperbola(Decay decay)
    {
        // 3 / (1 + (3/1 − 1)·t/4): 3, 2, 1.5, 1.2, and 1 at t = T.
        var schedule = new TrainingSchedule(Base with { Iterations = 4, Sigma = 3, SigmaEnd = 1, SigmaDecay = decay });

        Assert.Equal([3.0, 2.0, 1.5, 1.2], Enumerable.Range(0, 4).Select(t => Math.Round(schedule.Sigma(t), 12)));
    }

    [Theory]
    [InlineData(Decay.Linear, 0.5 - (0.45 * 5 / 9), 0.05)]
    [InlineData(Decay.ExponentialClassic, 0.15811388300841897, 0.06294627058970836)] // 0.5·0.1^(5/10), 0.5·0.1^(9/10)
    [InlineData(Decay.Inverse, 0.5 / 5.5, 0.5 / 9.1)] // 0.5 / (1 + 9·t/10)
    [InlineData(Decay.Asymptotic, 0.5 / 5.5, 0.5 / 9.1)]
    public void EachDecayTakesTheLearningRateToItsEnd(Decay decay, double atFive, double atLast)
    {
        // α₀ = 0.5 → 0.05 over T = 10.
        var schedule = new TrainingSchedule(Base with { Iterations = 10, LearningRate = 0.5, LearningRateEnd = 0.05, LearningRateDecay = decay });

        Assert.Equal(0.5, schedule.LearningRate(0), 15);
        Assert.Equal(atFive, schedule.LearningRate(5), 15);
        Assert.Equal(atLast, schedule.LearningRate(9), 15);
    }

    /// <summary>σₜ or αₜ of a schedule with an end, written out from the table in docs/algorithm.md.</summary>
    private static double Ended(Decay decay, double x0, double xEnd, int t, int T) => decay switch
    {
        Decay.Linear => x0 + ((xEnd - x0) * t / (T - 1)),
        Decay.ExponentialClassic => x0 * Math.Pow(xEnd / x0, (double)t / T),
        _ => x0 / (1 + (((x0 / xEnd) - 1) * t / T)),
    };

    [Theory]
    [InlineData(Decay.ExponentialClassic, Decay.Linear)]
    [InlineData(Decay.Linear, Decay.ExponentialClassic)]
    [InlineData(Decay.Inverse, Decay.Asymptotic)]
    [InlineData(Decay.Asymptotic, Decay.Inverse)]
    public void OnlineTrainingFollowsTheEndedSchedule(Decay sigmaDecay, Decay learningRateDecay)
    {
        var options = new SomOptions
        {
            Width = 5, Height = 4, Iterations = 12, Sigma = 2.5, SigmaEnd = 0.7, SigmaDecay = sigmaDecay,
            LearningRate = 0.4, LearningRateEnd = 0.02, LearningRateDecay = learningRateDecay,
            Seed = 4, MaxDegreeOfParallelism = 1, ExactNeighborhood = true,
        };
        var rows = TestData.Uniform(30, 3, seed: 8);
        var map = new ReferenceSom.Map(5, 4, false, false);
        var w = TestData.Split(CodebookInitializer.Create(TestData.Matrix(rows), options.CreateGrid(), options.Initialization, new SomRandom(4)), 3);
        for (var t = 0; t < options.Iterations; t++)
        {
            var sigma = Ended(sigmaDecay, 2.5, 0.7, t, options.Iterations);
            var alpha = Ended(learningRateDecay, 0.4, 0.02, t, options.Iterations);
            foreach (var v in rows)
            {
                var bmu = ReferenceSom.Bmu(w, v);
                for (var k = 0; k < w.Length; k++)
                {
                    var h = (float)(alpha * ReferenceSom.Theta(Neighborhood.Gaussian, ReferenceSom.GridDistanceSquared(map, k, bmu), sigma));
                    for (var i = 0; i < v.Length; i++)
                    {
                        w[k][i] = MathF.FusedMultiplyAdd(h, v[i] - w[k][i], w[k][i]);
                    }
                }
            }
        }

        var model = new SomTrainer(options).Fit(TestData.Matrix(rows));
        var unended = new SomTrainer(options with { SigmaEnd = null, LearningRateEnd = null, SigmaDecay = Decay.Linear, LearningRateDecay = Decay.Linear }).Fit(TestData.Matrix(rows));

        Assert.True(TestData.MaxAbsDifference(w, TestData.Split(model.Codebook, 3)) <= 1e-5f, $"max difference {TestData.MaxAbsDifference(w, TestData.Split(model.Codebook, 3))}");
        Assert.True(TestData.MaxAbsDifference(w, TestData.Split(unended.Codebook, 3)) > 1e-3f, "the ends changed nothing");
    }

    [Theory]
    [InlineData(Decay.ExponentialClassic)]
    [InlineData(Decay.Linear)]
    [InlineData(Decay.Inverse)]
    [InlineData(Decay.Asymptotic)]
    public void AnEndEqualToTheStartHoldsTheValueExactly(Decay decay)
    {
        var schedule = new TrainingSchedule(Base with
        {
            Iterations = 7,
            Sigma = 1.3,
            SigmaEnd = 1.3,
            SigmaDecay = decay,
            LearningRate = 0.037,
            LearningRateEnd = 0.037,
            LearningRateDecay = decay,
        });

        Assert.All(Enumerable.Range(0, 7), t =>
        {
            Assert.Equal(1.3, schedule.Sigma(t));
            Assert.Equal(0.037, schedule.LearningRate(t));
        });
    }

    [Fact]
    public void WithoutAnEndEveryDecayKeepsItsOwnFormula()
    {
        var o = Base with { Iterations = 200, Sigma = 3, LearningRate = 0.5 };

        Assert.Equal(3.0 * (1 - (199 / 200.0)), new TrainingSchedule(o with { SigmaDecay = Decay.Linear }).Sigma(199), 15);
        Assert.Equal(3.0 * Math.Exp(-199 / (200 / Math.Log(3))), new TrainingSchedule(o).Sigma(199), 15);
    }

    [Fact]
    public void AGivenEndLetsTheExponentialDecayStartAtOneOrBelow()
    {
        var small = new SomOptions { Width = 2, Height = 2 };

        Assert.Throws<SomOptionsException>(() => small.Validate());
        Assert.Throws<SomOptionsException>(() => (small with { SigmaEnd = 0.5 }).Validate()); // α still needs λ
        var both = (small with { SigmaEnd = 0.5, LearningRateEnd = 0.01, Iterations = 2 }).Validate();
        Assert.Equal(1.0, new TrainingSchedule(both).Sigma(0));
        Assert.Equal(Math.Sqrt(0.5), new TrainingSchedule(both).Sigma(1), 15);
    }

    [Theory]
    [InlineData("SigmaEnd", 0.0)]
    [InlineData("SigmaEnd", 70000.0)]
    [InlineData("LearningRateEnd", 0.0)]
    [InlineData("LearningRateEnd", 1.5)]
    [InlineData("LearningRateEnd", double.NaN)]
    public void AnEndOutOfRangeIsRefusedWithItsName(string option, double value)
    {
        var error = Assert.Throws<SomOptionsException>(() => option == "SigmaEnd" ? new SomOptions { SigmaEnd = value } : new SomOptions { LearningRateEnd = value });

        Assert.Equal(option, error.Option);
        Assert.StartsWith(option + " must be in (0, ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FinalSigmaAndLearningRateAreTheLastIterations()
    {
        var linear = new SomOptions { Iterations = 50, Sigma = 5, SigmaEnd = 1, SigmaDecay = Decay.Linear };
        var classic = new SomOptions { Width = 10, Height = 10, Iterations = 100 };

        Assert.Equal(1.0, linear.FinalSigma);
        Assert.Equal(5 * Math.Pow(5, -0.99), classic.FinalSigma, 12);
        Assert.Equal(0.1 * Math.Pow(5, -0.99), classic.FinalLearningRate, 12);
        Assert.Equal(double.NaN, new SomOptions { Width = 2, Height = 2 }.FinalSigma);
        Assert.Contains("FinalSigma = NaN", new SomOptions { Width = 2, Height = 2 }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheEndsAreParametersAndModelOptionsOnlyWhenGiven()
    {
        var plain = SomOptions.Default;
        var ended = plain with { SigmaEnd = 1.5, LearningRateEnd = 0.01 };

        Assert.False(plain.ToParameters().ContainsKey("sigma_end"));
        Assert.False(plain.ToParameters().ContainsKey("learning_rate_end"));
        Assert.Equal("1.5", ended.ToParameters()["sigma_end"]);
        Assert.Equal("0.01", ended.ToParameters()["learning_rate_end"]);

        // The options of a model trained without them are written as before, key for key.
        Assert.Equal(
            """{"width":10,"height":10,"topology":"rectangular","toroidal":false,"algorithm":"online","iterations":100,"neighborhood":"gaussian","learning_rate":0.1,"sigma":null,"learning_rate_decay":"exponential-classic","sigma_decay":"exponential-classic","initialization":"random","scaling":"none","shuffle":false,"exact_neighborhood":false,"seed":null,"max_degree_of_parallelism":null,"metrics_every":0}""",
            SomOptionsJson.Write(plain));
        var read = SomOptionsJson.Read(SomOptionsJson.Write(ended));
        Assert.Equal(1.5, read.SigmaEnd);
        Assert.Equal(0.01, read.LearningRateEnd);
        Assert.Equal(ended, read);
    }
}
