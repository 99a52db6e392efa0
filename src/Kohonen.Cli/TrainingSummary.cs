using System.Text.Json.Serialization;

namespace Kohonen.Cli;

/// <summary>What <c>kohonen train --json</c> and <c>kohonen demo colors --json</c> print. <see cref="RunId"/>
/// is the recorded run (null with --no-track); <see cref="Output"/> the model file written (null without --out);
/// <see cref="PeakWorkingSetBytes"/> the process's peak resident memory so far; <see cref="Experiment"/> the
/// experiment the run went to; <see cref="TrainingAccuracy"/> the share of training rows whose BMU carries
/// their label (null without --label-column).</summary>
internal sealed record TrainingSummary(
    string Command,
    string? RunId,
    string? Output,
    int Width,
    int Height,
    int Dim,
    int Rows,
    string Algorithm,
    string Topology,
    bool Toroidal,
    int Iterations,
    int Seed,
    int Threads,
    double TrainSeconds,
    double QuantizationError,
    double? TopographicError,
    IReadOnlyList<string> Pictures,
    long PeakWorkingSetBytes,
    string? Experiment = null,
    double? TrainingAccuracy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClusterSummary? Cluster = null)
{
    /// <summary>How the data file was read (header, delimiter, missing values); null without one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DataSummary? Data { get; init; }
}
