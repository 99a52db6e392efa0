namespace Kohonen.Cli.Bench;

/// <summary>What <c>kohonen bench --json</c> prints.</summary>
internal sealed record BenchReport(
    string Machine,
    int Threads,
    IReadOnlyList<BenchResult> NaiveVsOptimised,
    BenchResult ColorDemo,
    IReadOnlyList<BatchSizeResult> BatchSizes,
    string Note);

/// <summary>One line of table 2: a batch training of 10,000 × 3 samples read whole or streamed in chunks
/// of <see cref="BatchSize"/> rows, in a process of its own so that its peak memory is its own.</summary>
internal sealed record BatchSizeResult(
    int Width,
    int Height,
    int Samples,
    int Epochs,
    int? BatchSize,
    double TrainSeconds,
    long PeakWorkingSetBytes,
    double QuantizationError);
