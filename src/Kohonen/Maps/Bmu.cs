namespace Kohonen;

/// <summary>The best matching unit of an input: its grid position, node index and Euclidean distance
/// (in the space the map was trained in, that is after the model's scaler).</summary>
/// <param name="X">Column, 0..Width−1.</param>
/// <param name="Y">Row, 0..Height−1.</param>
/// <param name="Index">Y·Width + X.</param>
/// <param name="Distance">‖input − weights‖.</param>
public readonly record struct Bmu(int X, int Y, int Index, float Distance);
