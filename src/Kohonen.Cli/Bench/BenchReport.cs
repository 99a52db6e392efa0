namespace Kohonen.Cli.Bench;

/// <summary>What <c>kohonen bench --json</c> prints.</summary>
internal sealed record BenchReport(
    string Machine,
    int Threads,
    IReadOnlyList<BenchResult> NaiveVsOptimised,
    BenchResult ColorDemo,
    string Note);
