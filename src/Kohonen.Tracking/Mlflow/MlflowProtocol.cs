using System.Text.Json.Serialization;

namespace Kohonen.Tracking.Mlflow;

// The messages of MLflow's REST API 2.0 (mlflow/protos/service.proto and mlflow_artifacts.proto) that
// this client uses, in their JSON form: snake_case field names, int64 as JSON numbers, doubles NaN and
// ±Infinity as the strings "NaN", "Infinity" and "-Infinity".

/// <summary>mlflow.Experiment.</summary>
internal sealed record MlflowExperiment(
    string ExperimentId,
    string Name,
    string? ArtifactLocation = null,
    string? LifecycleStage = null,
    long? CreationTime = null,
    long? LastUpdateTime = null);

/// <summary>mlflow.Param and mlflow.RunTag (both a key and a value).</summary>
internal sealed record MlflowKeyValue(string Key, string Value);

/// <summary>mlflow.Metric.</summary>
internal sealed record MlflowMetric(string Key, double Value, long Timestamp, long Step);

/// <summary>mlflow.RunInfo.</summary>
internal sealed record MlflowRunInfo(
    string RunId,
    string ExperimentId,
    string Status,
    long StartTime,
    long? EndTime = null,
    string? RunName = null,
    string? RunUuid = null,
    string? UserId = null,
    string? ArtifactUri = null,
    string? LifecycleStage = null);

/// <summary>mlflow.RunData.</summary>
internal sealed record MlflowRunData(
    IReadOnlyList<MlflowMetric>? Metrics = null,
    IReadOnlyList<MlflowKeyValue>? Params = null,
    IReadOnlyList<MlflowKeyValue>? Tags = null);

/// <summary>mlflow.Run.</summary>
internal sealed record MlflowRun(MlflowRunInfo Info, MlflowRunData? Data = null);

/// <summary>GetExperimentByName.Response.</summary>
internal sealed record GetExperimentResponse(MlflowExperiment Experiment);

/// <summary>CreateExperiment.</summary>
internal sealed record CreateExperimentRequest(string Name);

/// <summary>CreateExperiment.Response.</summary>
internal sealed record CreateExperimentResponse(string ExperimentId);

/// <summary>SearchExperiments.</summary>
internal sealed record SearchExperimentsRequest(int MaxResults, string? PageToken = null, string ViewType = "ACTIVE_ONLY");

/// <summary>SearchExperiments.Response.</summary>
internal sealed record SearchExperimentsResponse(IReadOnlyList<MlflowExperiment>? Experiments = null, string? NextPageToken = null);

/// <summary>CreateRun.</summary>
internal sealed record CreateRunRequest(string ExperimentId, string RunName, long StartTime, IReadOnlyList<MlflowKeyValue>? Tags = null);

/// <summary>CreateRun.Response and GetRun.Response.</summary>
internal sealed record RunResponse(MlflowRun Run);

/// <summary>UpdateRun (each field but the run id optional).</summary>
internal sealed record UpdateRunRequest(string RunId, string? Status = null, long? EndTime = null, string? RunName = null);

/// <summary>DeleteRun.</summary>
internal sealed record DeleteRunRequest(string RunId);

/// <summary>UpdateExperiment.</summary>
internal sealed record UpdateExperimentRequest(string ExperimentId, string NewName);

/// <summary>UpdateRun.Response.</summary>
internal sealed record UpdateRunResponse(MlflowRunInfo RunInfo);

/// <summary>LogBatch.</summary>
internal sealed record LogBatchRequest(
    string RunId,
    IReadOnlyList<MlflowMetric>? Metrics = null,
    IReadOnlyList<MlflowKeyValue>? Params = null,
    IReadOnlyList<MlflowKeyValue>? Tags = null);

/// <summary>SearchRuns.</summary>
internal sealed record SearchRunsRequest(
    IReadOnlyList<string> ExperimentIds,
    string? Filter,
    int MaxResults,
    IReadOnlyList<string>? OrderBy = null,
    string? PageToken = null,
    string RunViewType = "ACTIVE_ONLY");

/// <summary>SearchRuns.Response.</summary>
internal sealed record SearchRunsResponse(IReadOnlyList<MlflowRun>? Runs = null, string? NextPageToken = null);

/// <summary>GetMetricHistory.Response.</summary>
internal sealed record MetricHistoryResponse(IReadOnlyList<MlflowMetric>? Metrics = null, string? NextPageToken = null);

/// <summary>mlflow.artifacts.FileInfo.</summary>
internal sealed record MlflowFileInfo(string Path, bool IsDir = false, long? FileSize = null);

/// <summary>ListArtifacts.Response (mlflow-artifacts).</summary>
internal sealed record ListArtifactsResponse(IReadOnlyList<MlflowFileInfo>? Files = null);

/// <summary>The body of an MLflow error.</summary>
internal sealed record MlflowError(string? ErrorCode = null, string? Message = null);

/// <summary>Serialization of the messages above.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GetExperimentResponse))]
[JsonSerializable(typeof(CreateExperimentRequest))]
[JsonSerializable(typeof(CreateExperimentResponse))]
[JsonSerializable(typeof(SearchExperimentsRequest))]
[JsonSerializable(typeof(SearchExperimentsResponse))]
[JsonSerializable(typeof(CreateRunRequest))]
[JsonSerializable(typeof(RunResponse))]
[JsonSerializable(typeof(UpdateRunRequest))]
[JsonSerializable(typeof(UpdateRunResponse))]
[JsonSerializable(typeof(DeleteRunRequest))]
[JsonSerializable(typeof(UpdateExperimentRequest))]
[JsonSerializable(typeof(LogBatchRequest))]
[JsonSerializable(typeof(SearchRunsRequest))]
[JsonSerializable(typeof(SearchRunsResponse))]
[JsonSerializable(typeof(MetricHistoryResponse))]
[JsonSerializable(typeof(ListArtifactsResponse))]
[JsonSerializable(typeof(MlflowError))]
internal sealed partial class MlflowJsonContext : JsonSerializerContext;
