namespace Kohonen.Tracking;

/// <summary>
/// What one <see cref="TrainingSession"/> produced, each part computed once: the map, its <c>.som</c>
/// bytes, its final quantization and topographic errors on the training data, the pictures drawn from
/// it, the training time, and the run that recorded it.
/// </summary>
/// <param name="Model">The trained map.</param>
/// <param name="ModelBytes">The map as a <c>.som</c> file (what the store keeps as <c>model.som</c>);
/// null when the session was neither recorded nor asked to keep them
/// (<see cref="TrainingSession.KeepModelBytes"/>).</param>
/// <param name="QuantizationError">The mean distance from each training row to its BMU.</param>
/// <param name="TopographicError">The share of training rows whose two nearest nodes are not
/// neighbours; NaN for a map of one node.</param>
/// <param name="Pictures">The pictures drawn from the map, in the order the drawer gave them.</param>
/// <param name="TrainTime">The training alone: neither measuring the final map, drawing nor
/// recording.</param>
/// <param name="RunId">The recorded run, or null when the session recorded none.</param>
public sealed record TrainingOutcome(
    SomModel Model,
    byte[]? ModelBytes,
    double QuantizationError,
    double TopographicError,
    IReadOnlyList<TrainingPicture> Pictures,
    TimeSpan TrainTime,
    string? RunId)
{
    /// <summary>The quantization and topographic errors measured during training (empty unless
    /// <see cref="SomOptions.MetricsEvery"/> was set): the map's own history.</summary>
    public IReadOnlyList<TrainingStep> History => Model.History;

    /// <summary>The extra final metrics of <see cref="TrainingSession.FinalMetrics"/> by name (such as
    /// <c>training_accuracy</c>); empty when none were asked for.</summary>
    public IReadOnlyDictionary<string, double> Measured { get; init; } = new Dictionary<string, double>();
}
