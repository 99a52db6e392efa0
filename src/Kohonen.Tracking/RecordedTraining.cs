
namespace Kohonen.Tracking;

/// <summary>A training recorded as a run.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Model">The trained map.</param>
/// <param name="TrainSeconds">The training time alone.</param>
public sealed record RecordedTraining(string RunId, SomModel Model, double TrainSeconds);
