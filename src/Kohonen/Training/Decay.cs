namespace Kohonen;

/// <summary>
/// How a value x (the learning rate α or the radius σ) shrinks over iterations t = 0..T−1, from its
/// initial value x₀. The formulas below are each decay's own end; with an end value given
/// (<see cref="SomOptions.SigmaEnd"/>, <see cref="SomOptions.LearningRateEnd"/>) the decay runs to it
/// instead: linear x₀ + (x_end − x₀)·t/(T − 1) (x_end at the last iteration), exponential
/// x₀·(x_end/x₀)^(t/T), inverse and asymptotic x₀/(1 + (x₀/x_end − 1)·t/T).
/// </summary>
public enum Decay
{
    /// <summary>x = x₀ · exp(−t/λ) with λ = T / ln σ₀ (σ₀ the initial radius, also for α): the
    /// classic Kohonen schedule and the default. It needs σ₀ &gt; 1.</summary>
    ExponentialClassic,

    /// <summary>x = x₀ · (1 − t/T).</summary>
    Linear,

    /// <summary>x = x₀ · C / (C + t) with C = T/100 (MiniSom's inverse decay to zero).</summary>
    Inverse,

    /// <summary>x = x₀ / (1 + 2t/T) (MiniSom's asymptotic decay: x₀/3 at the end).</summary>
    Asymptotic,
}
