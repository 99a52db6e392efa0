namespace Kohonen;

/// <summary>
/// The learning rate αₜ and radius σₜ at each iteration t = 0..T−1 of a training, as the options'
/// <see cref="Decay"/> functions give them. For the default exponential-classic decay:
/// λ = T / ln σ₀, σₜ = σ₀·exp(−t/λ), αₜ = α₀·exp(−t/λ).
/// </summary>
internal sealed class TrainingSchedule
{
    private readonly Decay _sigmaDecay;
    private readonly Decay _learningRateDecay;

    /// <summary>The schedule of validated options.</summary>
    public TrainingSchedule(SomOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Iterations = options.Iterations;
        InitialSigma = options.EffectiveSigma;
        InitialLearningRate = options.LearningRate;
        _sigmaDecay = options.SigmaDecay;
        _learningRateDecay = options.LearningRateDecay;
        Lambda = InitialSigma > 1.0 ? Iterations / Math.Log(InitialSigma) : double.NaN;
    }

    /// <summary>T.</summary>
    public int Iterations { get; }

    /// <summary>σ₀.</summary>
    public double InitialSigma { get; }

    /// <summary>α₀.</summary>
    public double InitialLearningRate { get; }

    /// <summary>λ = T / ln σ₀, the time constant of the exponential-classic decay (NaN when σ₀ ≤ 1,
    /// where that decay is not allowed).</summary>
    public double Lambda { get; }

    /// <summary>σₜ.</summary>
    public double Sigma(int t) => Apply(_sigmaDecay, InitialSigma, t);

    /// <summary>αₜ.</summary>
    public double LearningRate(int t) => Apply(_learningRateDecay, InitialLearningRate, t);

    private double Apply(Decay decay, double x0, int t)
    {
        if ((uint)t >= (uint)Iterations)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"The iteration must be in 0..{Iterations - 1}.");
        }

        double T = Iterations;
        return decay switch
        {
            Decay.ExponentialClassic => x0 * Math.Exp(-t / Lambda),
            Decay.Linear => x0 * (1.0 - (t / T)),
            Decay.Inverse => x0 * (T / 100.0) / ((T / 100.0) + t),
            Decay.Asymptotic => x0 / (1.0 + (t / (T / 2.0))),
            _ => throw new ArgumentOutOfRangeException(nameof(decay), decay, "Unknown decay."),
        };
    }
}
