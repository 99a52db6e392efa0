using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Kohonen.Benchmarks;

/// <summary>
/// The QE and TE of the map a trainer benchmark produced, printed beside its time. Trainings are
/// seeded, so every run of one benchmark gives the same map; the last one recorded is shown. The
/// figures are written to a file by the benchmark process and read by the host for the summary.
/// </summary>
public sealed class QualityColumn(bool topographic) : IColumn
{
    private static readonly string FilePath = Path.Combine(Path.GetTempPath(), "kohonen-bench-quality.txt");
    private static readonly ConcurrentDictionary<string, string> Seen = new();

    public string Id => topographic ? "TE" : "QE";

    public string ColumnName => Id;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => topographic ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => topographic ? "Topographic error of the trained map" : "Quantization error of the trained map";

    /// <summary>Called in the benchmark process after a training; <paramref name="benchmark"/> is the
    /// benchmark's description.</summary>
    public static void Record(string benchmark, double qe, double te)
    {
        var key = benchmark;
        var line = string.Create(CultureInfo.InvariantCulture, $"{key}\t{qe:G6}\t{te:G6}");
        if (Seen.TryAdd(line, line))
        {
            File.AppendAllLines(FilePath, [line]);
        }
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var key = benchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
        if (!File.Exists(FilePath))
        {
            return "?";
        }

        var last = File.ReadAllLines(FilePath).LastOrDefault(l => l.StartsWith(key + "\t", StringComparison.Ordinal));
        return last is null ? "?" : last.Split('\t')[topographic ? 2 : 1];
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}

/// <summary>The trainer benchmarks' configuration: the default one plus the QE and TE columns.</summary>
public sealed class QualityConfig : ManualConfig
{
    public QualityConfig()
    {
        AddColumn(new QualityColumn(topographic: false), new QualityColumn(topographic: true));
    }
}
