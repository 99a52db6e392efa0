// The squared Euclidean distance of two vectors.
// Guarantees: the same bits on every processor: below 8 elements the scalar reference, from 8 on one lane
// order at 256 bits, 128 bits and in the scalar twin.
// Held by: tests/Kohonen.Tests/Kernels/KernelTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*KernelBenchmarks*' '*TrainerBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// Σᵢ (aᵢ − bᵢ)², the squared Euclidean distance of two equally long vectors.
/// </summary>
/// <remarks>
/// Below 8 elements the sum is the scalar reference (<see cref="Scalar"/>); from 8 on, every path
/// (<see cref="Simd"/> at 256 bits, <see cref="Simd128"/> at 128, <see cref="ScalarInLanes"/> without
/// vectors) adds each term by one fused multiply-add into the same 32 running sums and combines them
/// in the same order, so the BMU of a node-by-node scan, and every model trained with it, does not
/// depend on the machine.
/// </remarks>
internal static partial class SquaredDistance
{
    /// <summary>Floats in one 256-bit vector: the lane layout every path from 8 elements keeps.</summary>
    private const int Lanes = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        a.Length < Lanes ? Scalar(a, b)
        : Vector256.IsHardwareAccelerated ? Simd(a, b)
        : Vector128.IsHardwareAccelerated ? Simd128(a, b)
        : ScalarInLanes(a, b);

    /// <summary>
    /// The 256-bit path. Lane layout: element i goes to lane i mod 8 of one of four accumulators, which
    /// take 32 elements per step so that four multiply-adds are in flight at once (their latency,
    /// not their throughput, is the limit). A tail of whole vectors goes into the first accumulator,
    /// the last length mod 8 elements are added one by one. The accumulators are combined as
    /// (0 + 1) + (2 + 3) and then across lanes as ((l₀ + l₁) + (l₂ + l₃)) + ((l₄ + l₅) + (l₆ + l₇)),
    /// always in that order, so the result depends only on the inputs and the length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Simd(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var n = (nuint)a.Length;
        nuint i = 0;
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (; i + (4 * Lanes) <= n; i += 4 * Lanes)
        {
            var d0 = Vector256.LoadUnsafe(ref ra, i) - Vector256.LoadUnsafe(ref rb, i);
            var d1 = Vector256.LoadUnsafe(ref ra, i + Lanes) - Vector256.LoadUnsafe(ref rb, i + Lanes);
            var d2 = Vector256.LoadUnsafe(ref ra, i + (2 * Lanes)) - Vector256.LoadUnsafe(ref rb, i + (2 * Lanes));
            var d3 = Vector256.LoadUnsafe(ref ra, i + (3 * Lanes)) - Vector256.LoadUnsafe(ref rb, i + (3 * Lanes));
            acc0 = Vector256.FusedMultiplyAdd(d0, d0, acc0);
            acc1 = Vector256.FusedMultiplyAdd(d1, d1, acc1);
            acc2 = Vector256.FusedMultiplyAdd(d2, d2, acc2);
            acc3 = Vector256.FusedMultiplyAdd(d3, d3, acc3);
        }

        for (; i + Lanes <= n; i += Lanes)
        {
            var d = Vector256.LoadUnsafe(ref ra, i) - Vector256.LoadUnsafe(ref rb, i);
            acc0 = Vector256.FusedMultiplyAdd(d, d, acc0);
        }

        // Vector256.Sum adds the lanes as pairs of pairs of pairs, the order above.
        var sum = Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        return AddTail(ref ra, ref rb, i, n, sum);
    }

    /// <summary>
    /// The 128-bit path (Arm64, x64 without AVX2): <see cref="Simd"/>'s lanes kept by two 128-bit
    /// vectors per 256-bit accumulator, the low lanes 0–3 and the high lanes 4–7, so every lane's
    /// sum and the order of combining them are <see cref="Simd"/>'s.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Simd128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        const int Half = Lanes / 2;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var n = (nuint)a.Length;
        nuint i = 0;
        Vector128<float> low0 = Vector128<float>.Zero, high0 = low0, low1 = low0, high1 = low0, low2 = low0, high2 = low0, low3 = low0, high3 = low0;
        for (; i + (4 * Lanes) <= n; i += 4 * Lanes)
        {
            low0 = AddSquare(ref ra, ref rb, i, low0);
            high0 = AddSquare(ref ra, ref rb, i + Half, high0);
            low1 = AddSquare(ref ra, ref rb, i + Lanes, low1);
            high1 = AddSquare(ref ra, ref rb, i + Lanes + Half, high1);
            low2 = AddSquare(ref ra, ref rb, i + (2 * Lanes), low2);
            high2 = AddSquare(ref ra, ref rb, i + (2 * Lanes) + Half, high2);
            low3 = AddSquare(ref ra, ref rb, i + (3 * Lanes), low3);
            high3 = AddSquare(ref ra, ref rb, i + (3 * Lanes) + Half, high3);
        }

        for (; i + Lanes <= n; i += Lanes)
        {
            low0 = AddSquare(ref ra, ref rb, i, low0);
            high0 = AddSquare(ref ra, ref rb, i + Half, high0);
        }

        var low = (low0 + low1) + (low2 + low3);
        var high = (high0 + high1) + (high2 + high3);
        var sum = ((low.GetElement(0) + low.GetElement(1)) + (low.GetElement(2) + low.GetElement(3)))
            + ((high.GetElement(0) + high.GetElement(1)) + (high.GetElement(2) + high.GetElement(3)));
        return AddTail(ref ra, ref rb, i, n, sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> AddSquare(ref float a, ref float b, nuint at, Vector128<float> acc)
    {
        var d = Vector128.LoadUnsafe(ref a, at) - Vector128.LoadUnsafe(ref b, at);
        return Vector128.FusedMultiplyAdd(d, d, acc);
    }

    /// <summary>The last elements [i, n), fewer than 8, one by one into the sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float AddTail(ref float a, ref float b, nuint i, nuint n, float sum)
    {
        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref a, i) - Unsafe.Add(ref b, i);
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }
}
