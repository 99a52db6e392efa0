// The squared Euclidean distance over the present features of an input with missing values (NaN).
// Guarantees: Σ over the present features f of (wᶠ − xᶠ)², the same bits on every processor and for
// one input or four at a time: the first whole multiples of 8 elements go into 8 lanes (element i
// into lane i mod 8, one fused multiply-add each), combined as ((l₀ + l₁) + (l₂ + l₃)) + ((l₄ + l₅) + (l₆ + l₇)), then the last
// length mod 8 elements are added one by one; a missing feature adds nothing.
// Held by: tests/Kohonen.Tests/Kernels/MaskedDistanceTests.cs (every length 0..70 and awkward ones
// against a plain reference, the vector path against the scalar twin).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*MissingValuesBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// <see cref="Simd"/> of four inputs against the same weights at once (four independent sums, so
    /// the multiply-adds overlap and each weight is loaded once): <paramref name="negated"/> and
    /// <paramref name="mask"/> hold the four inputs one after the other; each result has the bits
    /// <see cref="Simd"/> gives that input alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SimdFour(ReadOnlySpan<float> weights, ReadOnlySpan<float> negated, ReadOnlySpan<float> mask, Span<float> distances)
    {
        Debug.Assert(negated.Length == 4 * weights.Length && mask.Length == negated.Length && distances.Length >= 4);
        ref var rw = ref MemoryMarshal.GetReference(weights);
        ref var rx = ref MemoryMarshal.GetReference(negated);
        ref var rm = ref MemoryMarshal.GetReference(mask);
        var n = (nuint)weights.Length;
        nuint i = 0;
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (; i + Lanes <= n; i += Lanes)
        {
            var w = Vector256.LoadUnsafe(ref rw, i);
            var d0 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref rm, i), Vector256.LoadUnsafe(ref rx, i));
            var d1 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref rm, i + n), Vector256.LoadUnsafe(ref rx, i + n));
            var d2 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref rm, i + (2 * n)), Vector256.LoadUnsafe(ref rx, i + (2 * n)));
            var d3 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref rm, i + (3 * n)), Vector256.LoadUnsafe(ref rx, i + (3 * n)));
            acc0 = Vector256.FusedMultiplyAdd(d0, d0, acc0);
            acc1 = Vector256.FusedMultiplyAdd(d1, d1, acc1);
            acc2 = Vector256.FusedMultiplyAdd(d2, d2, acc2);
            acc3 = Vector256.FusedMultiplyAdd(d3, d3, acc3);
        }

        distances[0] = Sum(acc0);
        distances[1] = Sum(acc1);
        distances[2] = Sum(acc2);
        distances[3] = Sum(acc3);
        for (; i < n; i++)
        {
            var w = Unsafe.Add(ref rw, i);
            for (var r = 0; r < 4; r++)
            {
                var at = i + ((nuint)r * n);
                var d = MathF.FusedMultiplyAdd(w, Unsafe.Add(ref rm, at), Unsafe.Add(ref rx, at));
                distances[r] = MathF.FusedMultiplyAdd(d, d, distances[r]);
            }
        }
    }

    /// <summary>The lanes combined as ((l₀ + l₁) + (l₂ + l₃)) + ((l₄ + l₅) + (l₆ + l₇)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector256<float> acc) =>
        ((acc.GetElement(0) + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3)))
        + ((acc.GetElement(4) + acc.GetElement(5)) + (acc.GetElement(6) + acc.GetElement(7)));
}
