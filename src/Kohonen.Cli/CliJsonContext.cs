using System.Text.Json.Serialization;

namespace Kohonen.Cli;

/// <summary>Source-generated JSON for the command line's outputs: snake_case names, indented.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(TrainingSummary))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(Bench.BenchReport))]
[JsonSerializable(typeof(RunDetails))]
[JsonSerializable(typeof(RunList))]
[JsonSerializable(typeof(BestRun))]
[JsonSerializable(typeof(ExportedRun))]
[JsonSerializable(typeof(IReadOnlyList<RunView>))]
[JsonSerializable(typeof(IReadOnlyList<ComparedRun>))]
[JsonSerializable(typeof(IReadOnlyList<ExperimentView>))]
[JsonSerializable(typeof(IReadOnlyList<DeletedRun>))]
[JsonSerializable(typeof(ExperimentView))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
