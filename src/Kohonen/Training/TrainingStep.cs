namespace Kohonen;

/// <summary>
/// One measured point of a training's history (see <see cref="SomOptions.MetricsEvery"/>): the
/// schedule at that iteration and the quality of the map after it. No clock time, so the same training
/// gives the same history.
/// </summary>
/// <param name="Iteration">Iterations (or epochs) done, 1-based.</param>
/// <param name="Sigma">σ of that iteration.</param>
/// <param name="LearningRate">α of that iteration (NaN for batch).</param>
/// <param name="QuantizationError">QE after it.</param>
/// <param name="TopographicError">TE after it (NaN on a one-node map).</param>
public sealed record TrainingStep(int Iteration, double Sigma, double LearningRate, double QuantizationError, double TopographicError);
