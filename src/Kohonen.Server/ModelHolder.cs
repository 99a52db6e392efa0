namespace Kohonen.Server;

/// <summary>The model the service answers with, swapped atomically; or why there is none.</summary>
internal sealed class ModelHolder
{
    private volatile State _state = new(null, "The model is still loading.");

    /// <summary>The current model, or null.</summary>
    public ServedModel? Current => _state.Model;

    /// <summary>Why there is no model (loading, or the error that stopped it loading); null when there is one.</summary>
    public string? Problem => _state.Problem;

    /// <summary>Serves <paramref name="model"/> from now on; requests that have read the old one finish on it.</summary>
    public void Serve(ServedModel model) => _state = new State(model, null);

    /// <summary>No model: say why. A model already served keeps being served only when <paramref name="keepCurrent"/>.</summary>
    public void Fail(string problem, bool keepCurrent = false) =>
        _state = keepCurrent && _state.Model is not null ? _state : new State(null, problem);

    private sealed record State(ServedModel? Model, string? Problem);
}
