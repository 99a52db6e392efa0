using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// Σᵢ (aᵢ − bᵢ)², the squared Euclidean distance of two equally long vectors. <see cref="Compute"/>
/// picks the SIMD path when the hardware has 256-bit vectors and the vectors are at least one
/// vector long, else the scalar reference. The choice depends only on the length, so every node of
/// a codebook goes through the same path and gets the same bits wherever it is computed.
/// </summary>
internal static class SquaredDistance
{
    /// <summary>Floats in one 256-bit vector.</summary>
    private const int Lanes = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        Vector256.IsHardwareAccelerated && a.Length >= Lanes ? Simd(a, b) : Scalar(a, b);

    /// <summary>The reference: one running float sum, left to right, each term added by a fused
    /// multiply-add (d·d + sum, rounded once), as every SIMD path does.</summary>
    public static float Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }

    /// <summary>
    /// The SIMD path. Lane layout: element i goes to lane i mod 8 of one of four accumulators, which
    /// take 32 elements per step so that four multiply-adds are in flight at once (their latency,
    /// not their throughput, is the limit). A tail of whole vectors goes into the first accumulator,
    /// the last length mod 8 elements are added one by one. The accumulators are combined as
    /// (0 + 1) + (2 + 3) and then across lanes, always in that order, so the result depends only on
    /// the inputs and the length.
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
            acc0 = Vector256.MultiplyAddEstimate(d0, d0, acc0);
            acc1 = Vector256.MultiplyAddEstimate(d1, d1, acc1);
            acc2 = Vector256.MultiplyAddEstimate(d2, d2, acc2);
            acc3 = Vector256.MultiplyAddEstimate(d3, d3, acc3);
        }

        for (; i + Lanes <= n; i += Lanes)
        {
            var d = Vector256.LoadUnsafe(ref ra, i) - Vector256.LoadUnsafe(ref rb, i);
            acc0 = Vector256.MultiplyAddEstimate(d, d, acc0);
        }

        var sum = Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref ra, i) - Unsafe.Add(ref rb, i);
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }
}
