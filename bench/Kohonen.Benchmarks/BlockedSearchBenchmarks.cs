using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Kohonen.Kernels;

namespace Kohonen.Benchmarks;

/// <summary>
/// The batch map's BMU search: <see cref="Rows"/> rows against a codebook, row by row with the
/// node-major SIMD search (the baseline; SIMD across features) and as the blocked matrix product
/// (<see cref="BlockedBmuSearch"/>) on one thread and on two, in 256-row chunks as the batch trainer
/// runs it. Both give the exact BMUs (tests in <c>BlockedBmuSearchTests</c>). The rate column counts
/// the useful rows × nodes × features multiply-adds per second (the panel's padding nodes not counted), for
/// comparison with <see cref="PeakRateBenchmarks"/>. Shapes: the two batch workloads of docs/performance.md
/// (64 features on 40×40, 300 on 25×15) and an awkward one (13 features on 37×23).
/// </summary>
[Config(typeof(RateConfig))]
public class BlockedSearchBenchmarks
{
    public const int Rows = 8192;
    private const int Chunk = 256;
    private float[] _codebook = [];
    private float[] _rows = [];
    private int[] _bmus = [];
    private BlockedBmuSearch.Prepared _prepared = null!;

    [Params("64x1600", "300x375", "13x851")]
    public string Shape { get; set; } = "64x1600";

    public static (int Dim, int Nodes) Parse(string shape)
    {
        var parts = shape.Split('x');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    [GlobalSetup]
    public void Setup()
    {
        var (dim, nodes) = Parse(Shape);
        var random = new Random(1);
        _codebook = [.. Enumerable.Range(0, nodes * dim).Select(_ => random.NextSingle())];
        _rows = [.. Enumerable.Range(0, Rows * dim).Select(_ => random.NextSingle())];
        _bmus = new int[Rows];
        _prepared = new BlockedBmuSearch.Prepared(_codebook, dim);
    }

    [Benchmark(Baseline = true, Description = "row by row, 1 thread")]
    public int RowByRow()
    {
        var dim = _prepared.Dim;
        for (var r = 0; r < Rows; r++)
        {
            _bmus[r] = BmuSearch.FindBest(_codebook, dim, _rows.AsSpan(r * dim, dim), 0, _prepared.Nodes, out _);
        }

        return _bmus[^1];
    }

    [Benchmark(Description = "blocked, 1 thread")]
    public int BlockedOneThread()
    {
        var dim = _prepared.Dim;
        for (var start = 0; start < Rows; start += Chunk)
        {
            BlockedBmuSearch.FindBest(_prepared, _rows.AsSpan(start * dim, Chunk * dim), _bmus.AsSpan(start, Chunk));
        }

        return _bmus[^1];
    }

    [Benchmark(Description = "blocked, 2 threads")]
    public int BlockedTwoThreads()
    {
        var dim = _prepared.Dim;
        Parallel.For(0, Rows / Chunk, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c =>
            BlockedBmuSearch.FindBest(_prepared, _rows.AsSpan(c * Chunk * dim, Chunk * dim), _bmus.AsSpan(c * Chunk, Chunk)));
        return _bmus[^1];
    }

    /// <summary>The multiply-adds per second of a case, from its mean time.</summary>
    private sealed class RateColumn : IColumn
    {
        public string Id => "Rate";

        public string ColumnName => "G mul-add/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Rows × nodes × features multiply-adds per second, in billions (the padding nodes not counted)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics)
            {
                return "?";
            }

            var (dim, nodes) = Parse((string)benchmarkCase.Parameters["Shape"]);
            return (Rows * (double)nodes * dim / statistics.Mean).ToString("F1", CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }

    private sealed class RateConfig : ManualConfig
    {
        public RateConfig() => AddColumn(new RateColumn());
    }
}
