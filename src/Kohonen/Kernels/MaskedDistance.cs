// The squared Euclidean distance over the present features of an input with missing values (NaN).
// Guarantees: Σ over the present features f of (wᶠ − xᶠ)², the same bits on every processor and for
// one node or eight at a time: the first whole multiples of 8 elements go into 8 lanes (element i
// into lane i mod 8, one fused multiply-add each), combined as ((l₀ + l₁) + (l₂ + l₃)) + ((l₄ + l₅) + (l₆ + l₇)), then the last
// length mod 8 elements are added one by one; a missing feature adds nothing.
// Held by: tests/Kohonen.Tests/Kernels/MaskedDistanceTests.cs (every length 0..70 and awkward ones
// against a plain reference, the vector path against the scalar twin).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*MissingValuesBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kohonen.Kernels;

/// <summary>
/// Σ over the present features of (wᶠ − xᶠ)² for an input x whose missing features are NaN. The input
/// is first split (<see cref="Prepare"/>) into its negated values −xᶠ (0 where missing) and a mask (1
/// where present, 0 where missing), so that each term is dᶠ = wᶠ·mᶠ − xᶠ in one fused multiply-add
/// (exactly the rounded wᶠ − xᶠ where present, 0 where missing) and then one more adds dᶠ² to the sum.
/// R's kohonen and the SOM Toolbox compare such distances across nodes for one input (the features
/// present are the same for every node); the distance reported is scaled by total/present features
/// (<see cref="Scale"/>) so that it is comparable with a complete row's.
/// </summary>
internal static partial class MaskedDistance
{
    /// <summary>Floats per lane group: the layout every path keeps.</summary>
    private const int Lanes = 8;

    /// <summary>Splits an input into its negated values (0 where missing) and a mask (1 where present,
    /// 0 where missing); returns the number of present features.</summary>
    public static int Prepare(ReadOnlySpan<float> input, Span<float> negated, Span<float> mask)
    {
        Debug.Assert(negated.Length == input.Length && mask.Length == input.Length);
        var present = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var missing = float.IsNaN(input[i]);
            negated[i] = missing ? 0f : -input[i];
            mask[i] = missing ? 0f : 1f;
            present += missing ? 0 : 1;
        }

        return present;
    }

    /// <summary>The squared distance over all features scaled from the present ones:
    /// d²·total/present, as R's kohonen scales it.</summary>
    public static float Scale(float distanceSquared, int total, int present) =>
        present == total ? distanceSquared : (float)(distanceSquared * (double)total / present);

    /// <summary>Σ over the features where <paramref name="mask"/> is 1 of (wᶠ − xᶠ)², the input given
    /// as <see cref="Prepare"/> splits it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Compute(ReadOnlySpan<float> weights, ReadOnlySpan<float> negated, ReadOnlySpan<float> mask) =>
        Vector256.IsHardwareAccelerated ? Simd(weights, negated, mask) : Scalar(weights, negated, mask);

    /// <summary>The 256-bit path: one accumulator of 8 lanes, the tail one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Simd(ReadOnlySpan<float> weights, ReadOnlySpan<float> negated, ReadOnlySpan<float> mask)
    {
        Debug.Assert(weights.Length == negated.Length && mask.Length == negated.Length);
        ref var rw = ref MemoryMarshal.GetReference(weights);
        ref var rx = ref MemoryMarshal.GetReference(negated);
        ref var rm = ref MemoryMarshal.GetReference(mask);
        var n = (nuint)weights.Length;
        nuint i = 0;
        var acc = Vector256<float>.Zero;
        for (; i + Lanes <= n; i += Lanes)
        {
            var d = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rw, i), Vector256.LoadUnsafe(ref rm, i), Vector256.LoadUnsafe(ref rx, i));
            acc = Vector256.FusedMultiplyAdd(d, d, acc);
        }

        var sum = Sum(acc);
        for (; i < n; i++)
        {
            var d = MathF.FusedMultiplyAdd(Unsafe.Add(ref rw, i), Unsafe.Add(ref rm, i), Unsafe.Add(ref rx, i));
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }

    /// <summary>Whether <see cref="SimdEight"/> runs here (256-bit vectors with horizontal adds).</summary>
    public static bool EightRun => Avx.IsSupported && Fma.IsSupported;

    /// <summary>
    /// <see cref="Simd"/> of one input against eight consecutive nodes of a node-major codebook
    /// (<paramref name="weights"/> holds their 8·dim weights): the input is loaded once for the eight,
    /// and the eight accumulators are combined by horizontal adds in the lane order of
    /// <see cref="Sum"/>, so each distance has the bits <see cref="Simd"/> gives that node alone.
    /// Halfway through the features the eight partial sums are combined the same way; when every one
    /// is above <paramref name="bound"/> the pass stops and returns false (no distance written): the
    /// terms are not negative and rounding is monotone, so no final sum could be below the bound
    /// either, nor equal to it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SimdEight(ReadOnlySpan<float> weights, ReadOnlySpan<float> negated, ReadOnlySpan<float> mask, float bound, Span<float> distances)
    {
        Debug.Assert(EightRun && weights.Length == 8 * negated.Length && mask.Length == negated.Length && distances.Length >= 8);
        ref var rw = ref MemoryMarshal.GetReference(weights);
        ref var rx = ref MemoryMarshal.GetReference(negated);
        ref var rm = ref MemoryMarshal.GetReference(mask);
        var n = (nuint)negated.Length;
        var whole = n / Lanes * Lanes;
        var halfway = whole >= 4 * Lanes ? whole / (2 * Lanes) * Lanes : whole;
        nuint i = 0;
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (var end = halfway; ; end = whole)
        {
            for (; i < end; i += Lanes)
            {
                var x = Vector256.LoadUnsafe(ref rx, i);
                var m = Vector256.LoadUnsafe(ref rm, i);
                var d0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref rw, i), m, x);
                var d1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref rw, i + n), m, x);
                var d2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref rw, i + (2 * n)), m, x);
                var d3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref rw, i + (3 * n)), m, x);
                a0 = Fma.MultiplyAdd(d0, d0, a0);
                a1 = Fma.MultiplyAdd(d1, d1, a1);
                a2 = Fma.MultiplyAdd(d2, d2, a2);
                a3 = Fma.MultiplyAdd(d3, d3, a3);
                var d4 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref rw, i + (4 * n)), m, x);
                var d5 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref rw, i + (5 * n)), m, x);
                var d6 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref rw, i + (6 * n)), m, x);
                var d7 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref rw, i + (7 * n)), m, x);
                a4 = Fma.MultiplyAdd(d4, d4, a4);
                a5 = Fma.MultiplyAdd(d5, d5, a5);
                a6 = Fma.MultiplyAdd(d6, d6, a6);
                a7 = Fma.MultiplyAdd(d7, d7, a7);
            }

            if (end == whole)
            {
                break;
            }

            var partLow = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
            var partHigh = Avx.HorizontalAdd(Avx.HorizontalAdd(a4, a5), Avx.HorizontalAdd(a6, a7));
            var limit = Vector128.Create(bound);
            if (Vector128.GreaterThanAll(partLow.GetLower() + partLow.GetUpper(), limit)
                && Vector128.GreaterThanAll(partHigh.GetLower() + partHigh.GetUpper(), limit))
            {
                return false;
            }
        }

        // hadd(a, b) = [a₀+a₁, a₂+a₃, b₀+b₁, b₂+b₃, a₄+a₅, a₆+a₇, b₄+b₅, b₆+b₇]: twice gives each
        // node's (l₀+l₁)+(l₂+l₃) in the low half and (l₄+l₅)+(l₆+l₇) in the high half.
        var low = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        var high = Avx.HorizontalAdd(Avx.HorizontalAdd(a4, a5), Avx.HorizontalAdd(a6, a7));
        ref var rd = ref MemoryMarshal.GetReference(distances);
        (low.GetLower() + low.GetUpper()).StoreUnsafe(ref rd);
        (high.GetLower() + high.GetUpper()).StoreUnsafe(ref rd, 4);
        for (; i < n; i++)
        {
            var x = Unsafe.Add(ref rx, i);
            var m = Unsafe.Add(ref rm, i);
            for (nuint k = 0; k < 8; k++)
            {
                var d = MathF.FusedMultiplyAdd(Unsafe.Add(ref rw, i + (k * n)), m, x);
                Unsafe.Add(ref rd, k) = MathF.FusedMultiplyAdd(d, d, Unsafe.Add(ref rd, k));
            }
        }

        return true;
    }

    /// <summary>The lanes combined as ((l₀ + l₁) + (l₂ + l₃)) + ((l₄ + l₅) + (l₆ + l₇)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector256<float> acc) =>
        ((acc.GetElement(0) + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3)))
        + ((acc.GetElement(4) + acc.GetElement(5)) + (acc.GetElement(6) + acc.GetElement(7)));
}
