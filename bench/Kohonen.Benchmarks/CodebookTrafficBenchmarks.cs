using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace Kohonen.Benchmarks;

/// <summary>
/// The floor under one online pass on wide rows (<see cref="WideOnlineBenchmarks"/>): whatever the
/// algorithm, each sample must read every node's weights to find its BMU and, while σ spans the map,
/// write every node back. This streams exactly that (a squared distance and w ← w + c·(x − w) per
/// weight, with SIMD) over a 30×30 × 784 codebook (2.8 MB) for 60,000 samples, with no neighbourhood,
/// no BMU and no hand-off: on one thread, and on two each streaming its half with no meeting per
/// sample (a bound the real two-thread step, which must meet once a sample, cannot beat).
/// <c>--filter '*CodebookTrafficBenchmarks*'</c>; <c>KOHONEN_BENCH_ROWS</c> sets the samples.
/// </summary>
public class CodebookTrafficBenchmarks
{
    private const int Dim = 784;
    private const int Nodes = 900;
    private float[] _codebook = [];
    private float[] _samples = [];
    private int _rows;

    [GlobalSetup]
    public void Setup()
    {
        _rows = int.TryParse(Environment.GetEnvironmentVariable("KOHONEN_BENCH_ROWS"), out var n) && n > 0 ? n : 60_000;
        var random = new Random(0);
        _codebook = Enumerable.Range(0, Nodes * Dim).Select(_ => (float)random.NextDouble()).ToArray();

        // 64 distinct samples, cycled: the samples' own traffic stays in L1, the codebook's is measured.
        _samples = Enumerable.Range(0, 64 * Dim).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [Benchmark(Baseline = true, Description = "60000 samples x (read + write 30x30x784), 1 thread")]
    public float OneThread() => Stream(0, Nodes);

    [Benchmark(Description = "60000 samples x (read + write 30x30x784), 2 threads, halves, no meeting")]
    public float TwoThreads()
    {
        var lower = Task.Run(() => Stream(0, Nodes / 2));
        var upper = Stream(Nodes / 2, Nodes);
        return lower.Result + upper;
    }

    /// <summary>For every sample, each node of [first, end): its squared distance, then the step.</summary>
    private float Stream(int first, int end)
    {
        var total = 0f;
        var codebook = _codebook.AsSpan();
        for (var s = 0; s < _rows; s++)
        {
            var x = _samples.AsSpan((s & 63) * Dim, Dim);
            var c = 1e-6f;
            for (var k = first; k < end; k++)
            {
                total += Vector512.IsHardwareAccelerated ? Node512(codebook.Slice(k * Dim, Dim), x, c) : Node256(codebook.Slice(k * Dim, Dim), x, c);
            }
        }

        return total;
    }

    private static float Node512(Span<float> w, ReadOnlySpan<float> x, float c)
    {
        var ws = MemoryMarshal.Cast<float, Vector512<float>>(w);
        var xs = MemoryMarshal.Cast<float, Vector512<float>>(x);
        var sum = Vector512<float>.Zero;
        for (var i = 0; i < ws.Length; i++)
        {
            var d = xs[i] - ws[i];
            sum = Vector512.FusedMultiplyAdd(d, d, sum);
            ws[i] = Vector512.FusedMultiplyAdd(Vector512.Create(c), d, ws[i]);
        }

        return Vector512.Sum(sum);
    }

    private static float Node256(Span<float> w, ReadOnlySpan<float> x, float c)
    {
        var ws = MemoryMarshal.Cast<float, Vector256<float>>(w);
        var xs = MemoryMarshal.Cast<float, Vector256<float>>(x);
        var sum = Vector256<float>.Zero;
        for (var i = 0; i < ws.Length; i++)
        {
            var d = xs[i] - ws[i];
            sum = Vector256.FusedMultiplyAdd(d, d, sum);
            ws[i] = Vector256.FusedMultiplyAdd(Vector256.Create(c), d, ws[i]);
        }

        return Vector256.Sum(sum);
    }
}
