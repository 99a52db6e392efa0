namespace Kohonen.Tracking;

/// <summary>One value of a metric: a run's metric has a history of these.</summary>
/// <param name="Key">The metric's name, such as <c>quantization_error</c>.</param>
/// <param name="Value">The value (NaN and ±∞ are allowed, as in MLflow).</param>
/// <param name="Step">The step (iteration or epoch) it belongs to.</param>
/// <param name="Timestamp">Milliseconds since the Unix epoch, when it was measured.</param>
public sealed record Metric(string Key, double Value, long Step, long Timestamp);
