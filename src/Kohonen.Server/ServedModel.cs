using Kohonen.Tracking;

namespace Kohonen.Server;

/// <summary>A model being served, with the run it came from. Immutable: a model switch replaces the
/// whole object, so a request in flight finishes on the model it started with.</summary>
/// <param name="Model">The trained map.</param>
/// <param name="Run">The run whose <c>model.som</c> it is.</param>
/// <param name="ExperimentName">The run's experiment, by name.</param>
/// <param name="Reason">Why this run is served, in one line.</param>
internal sealed record ServedModel(SomModel Model, Run Run, string ExperimentName, string? Reason = null)
{
    /// <summary>The features as a phrase for messages: "3 (red, green, blue)".</summary>
    public string Features { get; } = $"{Model.Dimension} ({string.Join(", ", Model.FeatureNames)})";
}
