namespace Kohonen;

/// <summary>
/// How the distance between an input x and a node's weights w is measured: for the BMU search (in
/// training, predictions and the quality measures) and for the quantization error. The weight
/// updates do not change with it: the online step stays W ← W + α·θ·(x − W), and the batch map's
/// nodes stay neighbourhood-weighted means (as R kohonen does for its distances).
/// </summary>
public enum DistanceMetric
{
    /// <summary>‖x − w‖ = √Σᵢ (xᵢ − wᵢ)². The classic choice and the default.</summary>
    Euclidean,

    /// <summary>Σᵢ |xᵢ − wᵢ|, summed feature by feature in feature order.</summary>
    Manhattan,

    /// <summary>
    /// ½‖x̂ − ŵ‖², with v̂ = v/‖v‖: 1 − cos θ for non-zero vectors (0 for the same direction, 1 at a
    /// right angle, 2 opposite). A vector of zeros has no direction: a row of zeros is taken as ½ from
    /// every node (so it goes to node 0), a node of zeros as the zero vector (½ from every non-zero
    /// row). The BMU is the Euclidean BMU of the normalised row among the normalised weights.
    /// </summary>
    Cosine,
}
