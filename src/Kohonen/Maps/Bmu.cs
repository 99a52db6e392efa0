namespace Kohonen;

/// <summary>The best matching unit of an input: its grid position, node index and distance in the
/// model's <see cref="SomModel.Distance"/> (in the space the map was trained in, that is after the
/// model's scaler).</summary>
/// <param name="X">Column, 0..Width−1.</param>
/// <param name="Y">Row, 0..Height−1.</param>
/// <param name="Index">Y·Width + X.</param>
/// <param name="Distance">‖input − weights‖ (Euclidean), Σ|input − weights| (Manhattan), or
/// 1 − cos θ (cosine; see <see cref="DistanceMetric.Cosine"/>).</param>
public readonly record struct Bmu(int X, int Y, int Index, float Distance);
