using Kohonen.Tracking;

namespace Kohonen.Server;

/// <summary>What the service serves and the limits it keeps.</summary>
public sealed record KohonenServerOptions
{
    /// <summary>Where runs and their models are.</summary>
    public required ITrackingStore Store { get; init; }

    /// <summary>Which run's model to serve at start (the experiments issue's rules).</summary>
    public SelectionRules Selection { get; init; } = new();

    /// <summary>The experiment new runs (the first-run demo, <c>POST /train</c>) are recorded in.</summary>
    public string ExperimentName { get; init; } = "kohonen";

    /// <summary>Fits POST /train's batch trainings on a .npy <c>data_file</c> across a cluster instead of
    /// here: given the options, the file's full path, its column names, the progress and the
    /// cancellation, it returns the model (the one this machine would fit, byte for byte). Null (the
    /// default) trains everything here.</summary>
    public Func<SomOptions, string, IReadOnlyList<string>, IProgress<TrainingProgress>?, CancellationToken, Task<SomModel>>? ClusterFit { get; init; }

    /// <summary>When the store has no run at all, train the colour demo, record it and serve it, so the
    /// service answers on its first start. Default true.</summary>
    public bool TrainDemoWhenEmpty { get; init; } = true;

    /// <summary>The key that training, activation and cancellation need in <c>X-Api-Key</c>; when null
    /// those routes are refused to clients that are not on this machine (loopback).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The most <see cref="MaxRequestBodyBytes"/> may be: 256 MiB, a body the service can hold
    /// in memory (a body is read whole before it is parsed).</summary>
    public const long MaxRequestBodyLimit = 256L * 1024 * 1024;

    /// <summary>The largest request body accepted, in bytes (413 above), 1..<see cref="MaxRequestBodyLimit"/>.
    /// Default 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Requests per second one client (by IP address) may make; 0 for no limit (the default).</summary>
    public int RateLimitPerSecond { get; init; }

    /// <summary>Trainings that may run at once (<c>POST /train</c>). Default 1.</summary>
    public int MaxConcurrentTrainings { get; init; } = 1;

    /// <summary>A folder whose files <c>POST /train</c> may name as <c>data_file</c>; null allows inline
    /// data only.</summary>
    public string? TrainingDataDirectory { get; init; }

    /// <summary>Most nodes (width × height) of a map trained through the API. Default 250,000.</summary>
    public int MaxTrainingNodes { get; init; } = 250_000;

    /// <summary>Most iterations (or epochs) of a training through the API. Default 100,000.</summary>
    public int MaxTrainingIterations { get; init; } = 100_000;

    /// <summary>Most values (rows × features) of training data through the API. Default 50,000,000.</summary>
    public long MaxTrainingValues { get; init; } = 50_000_000;

    /// <summary>Most vectors in one <c>POST /predict-batch</c>. Default 100,000.</summary>
    public int MaxBatchVectors { get; init; } = 100_000;
}
