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

/// <summary>The model the service answers with, swapped atomically; or why there is none.</summary>
internal sealed class ModelHolder
{
    private volatile State _state = new(null, "The model is still loading.");

    /// <summary>The current model, or null.</summary>
    public ServedModel? Current => _state.Model;

    /// <summary>Why there is no model (loading, or the error that stopped it loading); null when there is one.</summary>
    public string? Problem => _state.Problem;

    public void Serve(ServedModel model) => _state = new State(model, null);

    /// <summary>No model: say why. A model already served keeps being served only when <paramref name="keepCurrent"/>.</summary>
    public void Fail(string problem, bool keepCurrent = false) =>
        _state = keepCurrent && _state.Model is not null ? _state : new State(null, problem);

    private sealed record State(ServedModel? Model, string? Problem);
}
