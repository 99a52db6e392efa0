namespace Kohonen;

/// <summary>
/// How strongly a node at grid distance d from the BMU is pulled, given the current radius σ.
/// </summary>
public enum Neighborhood
{
    /// <summary>θ = exp(−d² / (2σ²)). The classic choice and the default.</summary>
    Gaussian,

    /// <summary>θ = 1 when d &lt; σ, else 0.</summary>
    Bubble,

    /// <summary>θ = (1 − d²/σ²) · exp(−d² / (2σ²)): pulls near nodes, pushes a ring of far ones away.
    /// Online training only (the batch map needs θ ≥ 0).</summary>
    MexicanHat,

    /// <summary>θ = max(0, 1 − d/σ).</summary>
    Triangle,
}
