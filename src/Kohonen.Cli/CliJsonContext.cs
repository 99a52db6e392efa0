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
internal sealed partial class CliJsonContext : JsonSerializerContext;
