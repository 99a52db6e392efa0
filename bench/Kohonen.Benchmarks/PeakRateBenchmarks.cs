using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace Kohonen.Benchmarks;

/// <summary>
/// The machine's peak multiply-add rate, the yardstick of the kernels' efficiency: ten independent
/// fused multiply-add chains per thread, in registers (no memory traffic), for
/// <see cref="Steps"/> steps. One operation is Steps × 10 × lanes multiply-adds per thread:
/// 1.6·10⁹ with 512-bit vectors, 0.8·10⁹ with 256-bit, so the rate is that over the mean time
/// (and twice that for the two-thread case).
/// </summary>
public class PeakRateBenchmarks
{
    /// <summary>Steps of each chain per operation.</summary>
    public const int Steps = 10_000_000;

    [Benchmark(Description = "512-bit, 1 thread")]
    public float Wide() => Chains512(Steps);

    [Benchmark(Description = "256-bit, 1 thread")]
    public float Narrow() => Chains256(Steps);

    [Benchmark(Description = "512-bit, 2 threads")]
    public float WideTwoThreads()
    {
        var results = new float[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t => results[t] = Chains512(Steps));
        return results[0] + results[1];
    }

    /// <summary>The peak of machines without AVX-512 (AVX2 with FMA), where the kernels run at 256 bits.</summary>
    [Benchmark(Description = "256-bit, 2 threads")]
    public float NarrowTwoThreads()
    {
        var results = new float[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t => results[t] = Chains256(Steps));
        return results[0] + results[1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(int steps)
    {
        var a = Vector512.Create(0.999999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a;
        for (var i = 0; i < steps; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b);
            c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b);
            c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b);
            c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b);
            c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b);
            c9 = Vector512.FusedMultiplyAdd(c9, a, b);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(int steps)
    {
        var a = Vector256.Create(0.999999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a;
        for (var i = 0; i < steps; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b);
            c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b);
            c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b);
            c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b);
            c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b);
            c9 = Vector256.FusedMultiplyAdd(c9, a, b);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9);
    }
}
