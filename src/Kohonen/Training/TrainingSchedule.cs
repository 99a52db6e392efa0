namespace Kohonen;

/// <summary>
/// The learning rate αₜ and radius σₜ at each iteration t = 0..T−1 of a training, as the options'
/// <see cref="Decay"/> functions give them. For the default exponential-classic decay:
/// λ = T / ln σ₀, σₜ = σ₀·exp(−t/λ), αₜ = α₀·exp(−t/λ). With an end value x_end given
/// (<see cref="SomOptions.SigmaEnd"/>, <see cref="SomOptions.LearningRateEnd"/>): linear
/// x₀ + (x_end − x₀)·t/(T − 1), exponential x₀·(x_end/x₀)^(t/T), inverse and asymptotic
/// x₀/(1 + (x₀/x_end − 1)·t/T).
/// </summary>
internal sealed class TrainingSchedule
{
    private readonly Decay _sigmaDecay;
    private readonly Decay _learningRateDecay;
    private readonly double? _sigmaEnd;
    private readonly double? _learningRateEnd;

    /// <summary>The schedule of validated options.</summary>
    public TrainingSchedule(SomOptions options)
        : this(options, validate: true)
    {
    }

    /// <summary>The schedule of options checked or not (unchecked, a decay without its λ gives NaN).</summary>
    internal TrainingSchedule(SomOptions options, bool validate)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (validate)
        {
            options.Validate();
        }

        Iterations = options.Iterations;
        InitialSigma = options.EffectiveSigma;
        InitialLearningRate = options.LearningRate;
        _sigmaDecay = options.SigmaDecay;
        _learningRateDecay = options.LearningRateDecay;
        _sigmaEnd = options.SigmaEnd;
        _learningRateEnd = options.LearningRateEnd;
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
    public double Sigma(int t) => Apply(_sigmaDecay, InitialSigma, _sigmaEnd, t);

    /// <summary>αₜ.</summary>
    public double LearningRate(int t) => Apply(_learningRateDecay, InitialLearningRate, _learningRateEnd, t);

    private double Apply(Decay decay, double x0, double? end, int t)
    {
        if ((uint)t >= (uint)Iterations)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"The iteration must be in 0..{Iterations - 1}.");
        }

        double T = Iterations;
        if (end is { } xEnd)
        {
            return Ending(decay, x0, xEnd, t, T);
        }

        return decay switch
        {
            Decay.ExponentialClassic => x0 * Math.Exp(-t / Lambda),
            Decay.Linear => x0 * (1.0 - (t / T)),
            Decay.Inverse => x0 * (T / 100.0) / ((T / 100.0) + t),
            Decay.Asymptotic => x0 / (1.0 + (t / (T / 2.0))),
            _ => throw new ArgumentOutOfRangeException(nameof(decay), decay, "Unknown decay."),
        };
    }

    /// <summary>x at iteration t of a decay from x₀ towards x_end. A value held (x_end = x₀) stays
    /// exactly x₀; the linear decay gives exactly x₀ at t = 0 and x_end at t = T − 1.</summary>
    private static double Ending(Decay decay, double x0, double xEnd, int t, double T)
    {
        if (xEnd == x0)
        {
            return x0;
        }

        return decay switch
        {
            Decay.Linear => T <= 1 ? x0 : Lerp(x0, xEnd, t / (T - 1)),
            Decay.ExponentialClassic => x0 * Math.Pow(xEnd / x0, t / T),
            Decay.Inverse or Decay.Asymptotic => x0 / (1.0 + ((x0 / xEnd) - 1.0) * (t / T)),
            _ => throw new ArgumentOutOfRangeException(nameof(decay), decay, "Unknown decay."),
        };
    }

    /// <summary>(1 − u)·a + u·b: exactly a at u = 0 and b at u = 1.</summary>
    private static double Lerp(double a, double b, double u) => ((1.0 - u) * a) + (u * b);
}
