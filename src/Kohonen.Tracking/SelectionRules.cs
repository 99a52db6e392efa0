namespace Kohonen.Tracking;

/// <summary>
/// Which run's model to serve, with the Python original's rules (its settings in brackets): an
/// explicit run id (<c>SOM_RUN_ID</c>, or the id in the file <c>SOM_RUN_ID_FILE</c>) unless
/// <see cref="ForceBest"/> (<c>SOM_FORCE_BEST</c>); otherwise the best FINISHED run by
/// <see cref="MetricKey"/> (<c>SOM_METRIC_KEY</c>), lowest first unless <see cref="Ascending"/> is false
/// (<c>SOM_METRIC_ASCENDING</c>), ranked only among runs comparable with a reference (see
/// <see cref="ModelSelector"/>).
/// </summary>
public sealed record SelectionRules
{
    /// <summary>An explicit run id; wins over <see cref="RunIdFile"/>.</summary>
    public string? RunId { get; init; }

    /// <summary>Where <see cref="RunId"/> came from, as messages name it (<c>--run</c>,
    /// <c>SOM_RUN_ID</c>); null for "the run id setting".</summary>
    public string? RunIdSource { get; init; }

    /// <summary>A file holding a run id (surrounding white space ignored).</summary>
    public string? RunIdFile { get; init; }

    /// <summary>Ignore any explicit run and take the best.</summary>
    public bool ForceBest { get; init; }

    /// <summary>The metric that ranks runs. Default <c>quantization_error</c>.</summary>
    public string MetricKey { get; init; } = "quantization_error";

    /// <summary>Lowest value first (the default), or highest first.</summary>
    public bool Ascending { get; init; } = true;

    /// <summary>Only runs of this experiment; null for all.</summary>
    public string? ExperimentName { get; init; }

    /// <summary>The data the model is chosen for; null to compare with the most recent finished run.</summary>
    public DataReference? Data { get; init; }
}
