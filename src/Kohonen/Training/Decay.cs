namespace Kohonen;

/// <summary>
/// How a value x (the learning rate α or the radius σ) shrinks over iterations t = 0..T−1, from its
/// initial value x₀.
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
