using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Kohonen.Server.Api;

// The JSON of the HTTP API. Names are the Python originals' (snake_case). The prediction records are
// written and read by hand (VectorJson) and hold finite numbers only (no "NaN" strings).

/// <summary>One input vector.</summary>
/// <param name="Data">The vector, one number per feature of the model, in the model's order.</param>
public sealed record PredictBmuRequest(
    [property: Description("The vector: one finite number per feature, in the model's order; null for a missing value.")]
    [property: JsonNumberHandling(JsonNumberHandling.Strict)]
    IReadOnlyList<float> Data);

/// <summary>Many input vectors.</summary>
/// <param name="Data">The vectors; each has one number per feature.</param>
public sealed record PredictBatchRequest(
    [property: Description("The vectors: each one finite number per feature, in the model's order; null for a missing value.")]
    IReadOnlyList<IReadOnlyList<float>> Data);

/// <summary>The best-matching unit of a vector.</summary>
/// <param name="BmuX">Column of the BMU (0 = left).</param>
/// <param name="BmuY">Row of the BMU (0 = top).</param>
/// <param name="Distance">Euclidean distance from the (scaled) vector to the BMU's weights.</param>
public sealed record BmuResponse(
    [property: Description("Column of the best-matching unit (0 = left).")] int BmuX,
    [property: Description("Row of the best-matching unit (0 = top).")] int BmuY,
    [property: Description("Euclidean distance from the vector (scaled as in training) to the unit's weights.")]
    [property: JsonNumberHandling(JsonNumberHandling.Strict)]
    float Distance)
{
    /// <summary>The unit's label, when the model keeps labels.</summary>
    [Description("The unit's label (its majority class, or its nearest labelled unit's), when the model keeps labels.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Label { get; init; }

    /// <summary>The label's share of the unit's label distribution, when the model keeps labels.</summary>
    [Description("The label's share of the unit's label distribution, in (0, 1], when the model keeps labels.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float? LabelConfidence { get; init; }

    /// <summary>The unit's mean target, when the model keeps a target.</summary>
    [Description("The unit's mean target, when the model keeps a numeric target.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float? Target { get; init; }

    /// <summary>The spread of the target at the unit, when the model keeps a target.</summary>
    [Description("The standard deviation of the target at the unit, when the model keeps a numeric target.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float? TargetSpread { get; init; }

    /// <summary>The unit's segment, when the model keeps segments.</summary>
    [Description("The unit's segment, when the model keeps segments.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Segment { get; init; }

    /// <summary>The categories of the input the model did not learn, by column; they were treated as
    /// missing.</summary>
    [Description("The input's categories the model did not learn, by column (treated as missing), when there are any.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? UnseenCategories { get; init; }
}

/// <summary>The BMUs of a batch, in the order of the vectors.</summary>
public sealed record BatchResponse(IReadOnlyList<BmuResponse> Results);

/// <summary>Whether the service can answer predictions.</summary>
/// <param name="Status"><c>healthy</c>, or <c>unhealthy</c> when no model is loaded.</param>
/// <param name="ModelLoaded">Whether a model is being served.</param>
/// <param name="RunId">The served run, when there is one.</param>
/// <param name="Problem">Why there is no model (loading, or the error).</param>
/// <param name="Reason">Why the served run was chosen, in one line.</param>
public sealed record HealthResponse(string Status, bool ModelLoaded, string? RunId, string? Problem, string? Reason = null);

/// <summary>The served model.</summary>
public sealed record ModelInfoResponse(
    int Width,
    int Height,
    int InputDim,
    string Topology,
    bool Toroidal,
    IReadOnlyList<string> FeatureNames,
    string Scaling,
    [property: Description("The distance of the BMU search and of the distances answered: euclidean, manhattan or cosine.")] string Distance,
    string RunId,
    string RunName,
    string ExperimentName,
    IReadOnlyDictionary<string, double> Metrics);

/// <summary>A run in <c>GET /models</c> and <c>GET /runs/{id}</c>.</summary>
public sealed record RunSummary(
    string RunId,
    string RunName,
    string ExperimentId,
    string Status,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, double> Metrics,
    [property: Description("Whether this run's model is the one being served.")] bool Active);

/// <summary>Runs with their metrics, best first: the runs comparable with the served one (same data and
/// features), or every finished run of the experiment when none is served; the served run and why.</summary>
public sealed record ModelsResponse(string MetricKey, bool Ascending, IReadOnlyList<RunSummary> Models, string? ServedRunId = null, string? Reason = null);

/// <summary>A node's weights, in the features' own units.</summary>
public sealed record WeightsResponse(int X, int Y, IReadOnlyList<string> FeatureNames, IReadOnlyList<float> Weights);

/// <summary>The answer to activating a run.</summary>
public sealed record ActivateResponse(string RunId, string RunName, int Width, int Height, int InputDim);

/// <summary>A training request: options and data (inline or a file the server may read).</summary>
public sealed record TrainRequest
{
    // Settable, not init: the source-generated reader sets every init property, missing ones to their
    // type's default, which would lose the defaults below (the core's, from SomOptions.Default).

    /// <summary>Map columns. Default 10.</summary>
    public int Width { get; set; } = SomOptions.Default.Width;

    /// <summary>Map rows. Default 10.</summary>
    public int Height { get; set; } = SomOptions.Default.Height;

    /// <summary>Online passes or batch epochs. Default 100.</summary>
    public int Iterations { get; set; } = SomOptions.Default.Iterations;

    /// <summary><c>online</c> (default) or <c>batch</c>.</summary>
    public string? Algorithm { get; set; }

    /// <summary><c>rectangular</c> (default) or <c>hexagonal</c>.</summary>
    public string? Topology { get; set; }

    /// <summary>Wrap around both axes.</summary>
    public bool Toroidal { get; set; }

    /// <summary><c>gaussian</c> (default), <c>bubble</c>, <c>mexican-hat</c>, <c>triangle</c>.</summary>
    public string? Neighborhood { get; set; }

    /// <summary>Initial learning rate in (0, 1]. Default 0.1.</summary>
    public double LearningRate { get; set; } = SomOptions.Default.LearningRate;

    /// <summary>Initial radius; default max(width, height)/2.</summary>
    public double? Sigma { get; set; }

    /// <summary>The radius at the end of the schedule, in (0, 65536]; default: where the decay ends by
    /// itself. The exponential-classic decay becomes σ₀·(end/σ₀)^(t/T).</summary>
    public double? SigmaEnd { get; set; }

    /// <summary>The learning rate at the end of the schedule, in (0, 1]; default: where the decay ends
    /// by itself. The exponential-classic decay becomes α₀·(end/α₀)^(t/T).</summary>
    public double? LearningRateEnd { get; set; }

    /// <summary><c>none</c> (default), <c>minmax</c>, <c>zscore</c>.</summary>
    public string? Scaling { get; set; }

    /// <summary>Seed; drawn when absent.</summary>
    public int? Seed { get; set; }

    /// <summary>The run's name. Default "api".</summary>
    public string? RunName { get; set; }

    /// <summary>Distance of the BMU search and the quantization error: <c>euclidean</c> (default),
    /// <c>manhattan</c>, <c>cosine</c>.</summary>
    public string? Distance { get; set; }

    /// <summary>Inline rows (each one number per feature). Give this or <c>data_file</c>.</summary>
    public IReadOnlyList<IReadOnlyList<float>>? Data { get; set; }

    /// <summary>Feature names for inline data (default x0, x1, …).</summary>
    public IReadOnlyList<string>? FeatureNames { get; set; }

    /// <summary>A CSV or .npy file name inside the server's training-data folder.</summary>
    public string? DataFile { get; set; }

    /// <summary>Serve the trained model when the training finishes.</summary>
    public bool Activate { get; set; }

    /// <summary>For a CSV/TSV <c>data_file</c>: whether its first row is a header, <c>auto</c>
    /// (default: data when every cell is a number or missing, a header when none is a number, a row
    /// mixing both refused), <c>yes</c> or <c>no</c>.</summary>
    public string? Header { get; set; }

    /// <summary>For a CSV/TSV <c>data_file</c>: the field separator, one character or
    /// <c>tab</c> (default: detected among ',', ';' and tab).</summary>
    public string? Delimiter { get; set; }

    /// <summary>Missing values in a <c>data_file</c> (an empty cell, NA, NaN or null in any
    /// case): <c>allow</c> (default: read as missing) or <c>error</c> (refused, naming line and
    /// column).</summary>
    public string? Missing { get; set; }

    /// <summary>For a CSV/TSV <c>data_file</c>: the feature columns, by header name or 0-based index
    /// (default: every column; a column of text must be left out this way).</summary>
    public IReadOnlyList<string>? Columns { get; set; }

    /// <summary>Rows of a <c>data_file</c> with more than this share of their features missing,
    /// in [0, 1], are skipped. Default 0.5.</summary>
    public double? MaxMissing { get; set; }
}

/// <summary>The state of a training run.</summary>
public sealed record TrainingStatus(
    string RunId,
    string Status,
    TrainingProgressView? Progress,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Params,
    string? Error,
    [property: Description("Where to follow the training's progress (server-sent events).")] string Events);

/// <summary>How far a training has come.</summary>
public sealed record TrainingProgressView(int Iteration, int TotalIterations, double Fraction, double Sigma, double? LearningRate, double ElapsedSeconds, double? QuantizationError);

/// <summary>Serialization of the API's JSON (snake_case; NaN as a string where a metric is NaN).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PredictBmuRequest))]
[JsonSerializable(typeof(PredictBatchRequest))]
[JsonSerializable(typeof(BmuResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ModelInfoResponse))]
[JsonSerializable(typeof(ModelsResponse))]
[JsonSerializable(typeof(WeightsResponse))]
[JsonSerializable(typeof(ActivateResponse))]
[JsonSerializable(typeof(TrainRequest))]
[JsonSerializable(typeof(TrainingStatus))]
[JsonSerializable(typeof(TrainingProgressView))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
