namespace Kohonen.Cli.Bench;

/// <summary>One line of a <c>kohonen bench</c> table: the same workload trained the naive way and
/// the optimised way, with the time and quality of each.</summary>
internal sealed record BenchResult(
    string Workload,
    int Width,
    int Height,
    int Samples,
    int Dim,
    int Iterations,
    double NaiveSeconds,
    double OptimisedSeconds,
    double SpeedUp,
    double NaiveQuantizationError,
    double OptimisedQuantizationError,
    double NaiveTopographicError,
    double OptimisedTopographicError,
    double? ExactSeconds);
