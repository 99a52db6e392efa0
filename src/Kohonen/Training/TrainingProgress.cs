namespace Kohonen;

/// <summary>
/// Reported after each iteration (online) or epoch (batch) of a training.
/// </summary>
/// <param name="Iteration">How many iterations are done, 1..<paramref name="TotalIterations"/>.</param>
/// <param name="TotalIterations">T.</param>
/// <param name="Sigma">The radius σ the finished iteration used.</param>
/// <param name="LearningRate">The learning rate α the finished iteration used (NaN for batch, which
/// has none).</param>
/// <param name="Elapsed">Time since training started (initialisation included).</param>
/// <param name="QuantizationError">The quantization error after this iteration, when
/// <see cref="SomOptions.MetricsEvery"/> asked for it here; otherwise null.</param>
/// <param name="TopographicError">The topographic error, measured with the quantization error (null
/// when not measured, or on a one-node map).</param>
public sealed record TrainingProgress(
    int Iteration,
    int TotalIterations,
    double Sigma,
    double LearningRate,
    TimeSpan Elapsed,
    double? QuantizationError,
    double? TopographicError);
