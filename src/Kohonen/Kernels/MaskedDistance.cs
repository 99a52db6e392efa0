// The squared Euclidean distance over the present features of an input with missing values (NaN).
// Guarantees: Σ over the present features f of (wᶠ − xᶠ)², the same bits on every processor: the
// first whole multiples of 8 elements go into 8 lanes (element i into lane i mod 8, one fused
// multiply-add each), combined as ((l₀ + l₁) + (l₂ + l₃)) + ((l₄ + l₅) + (l₆ + l₇)), then the last
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
/// is first split (<see cref="Prepare"/>) into its values with 0 for a missing one and a mask (all bits
/// set where present, none where missing), so the vector path is a subtract, an and and a fused
/// multiply-add per element. R's kohonen and the SOM Toolbox compare such distances across nodes for
/// one input (the features present are the same for every node); the distance reported is scaled by
/// total/present features (<see cref="Scale"/>) so that it is comparable with a complete row's.
/// </summary>
internal static partial class MaskedDistance
{
    /// <summary>Floats per lane group: the layout every path keeps.</summary>
    private const int Lanes = 8;

    /// <summary>Splits an input into its values (0 where missing) and a mask (all bits where present);
    /// returns the number of present features.</summary>
    public static int Prepare(ReadOnlySpan<float> input, Span<float> filled, Span<float> mask)
    {
        Debug.Assert(filled.Length == input.Length && mask.Length == input.Length);
        var present = 0;
        var all = BitConverter.Int32BitsToSingle(-1);
        for (var i = 0; i < input.Length; i++)
        {
            var missing = float.IsNaN(input[i]);
            filled[i] = missing ? 0f : input[i];
            mask[i] = missing ? 0f : all;
            present += missing ? 0 : 1;
        }

        return present;
    }

    /// <summary>The squared distance over all features scaled from the present ones:
    /// d²·total/present, as R's kohonen scales it.</summary>
    public static float Scale(float distanceSquared, int total, int present) =>
        present == total ? distanceSquared : (float)(distanceSquared * (double)total / present);

    /// <summary>Σ over the features where <paramref name="mask"/> is set of (wᶠ − xᶠ)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Compute(ReadOnlySpan<float> weights, ReadOnlySpan<float> filled, ReadOnlySpan<float> mask) =>
        Vector256.IsHardwareAccelerated ? Simd(weights, filled, mask) : Scalar(weights, filled, mask);

    /// <summary>The 256-bit path: one accumulator of 8 lanes, the tail one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Simd(ReadOnlySpan<float> weights, ReadOnlySpan<float> filled, ReadOnlySpan<float> mask)
    {
        Debug.Assert(weights.Length == filled.Length && mask.Length == filled.Length);
        ref var rw = ref MemoryMarshal.GetReference(weights);
        ref var rx = ref MemoryMarshal.GetReference(filled);
        ref var rm = ref MemoryMarshal.GetReference(mask);
        var n = (nuint)weights.Length;
        nuint i = 0;
        var acc = Vector256<float>.Zero;
        for (; i + Lanes <= n; i += Lanes)
        {
            var d = (Vector256.LoadUnsafe(ref rw, i) - Vector256.LoadUnsafe(ref rx, i)) & Vector256.LoadUnsafe(ref rm, i);
            acc = Vector256.FusedMultiplyAdd(d, d, acc);
        }

        var sum = ((acc.GetElement(0) + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3)))
            + ((acc.GetElement(4) + acc.GetElement(5)) + (acc.GetElement(6) + acc.GetElement(7)));
        for (; i < n; i++)
        {
            var d = Unsafe.Add(ref rm, i) == 0f ? 0f : Unsafe.Add(ref rw, i) - Unsafe.Add(ref rx, i);
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }
}
