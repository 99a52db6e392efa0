// One node's online update fused with its squared distance to the next sample, SIMD across features
// (node-major codebooks, from 8 features).
// Guarantees: the weights of WeightUpdate.Scalar (a subtract and one fused multiply-add per weight) and
// the distance of SquaredDistance.Compute (its 32 running sums, combined in its order), bit for bit, at
// 512, 256 and 128 bits and without vectors.
// Held by: tests/Kohonen.Tests/Kernels/WideOnlineStepTests.cs and Training/WideOnlineTrainingTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*WideOnlineBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// w ← w + h·(v − w), then Σᵢ (wᵢ − nᵢ)² of the moved weights to the next sample n, in one pass over
/// the node's weights: each moved vector of weights is stored and measured while it is in a register,
/// so the online step reads and writes the codebook once a sample instead of reading it twice.
/// </summary>
/// <remarks>
/// The update is <see cref="WeightUpdate.Scalar"/>'s (h·(v − w) + w rounded once) and the distance
/// <see cref="SquaredDistance.Compute"/>'s: from 8 features element i goes into running sum i mod 32
/// (the whole 8s after the last 32 into sums 0–7), combined as that kernel combines them, the last
/// length mod 8 elements added one by one. At 512 bits one vector holds sums 0–15 and another 16–31,
/// the same sums. Where the processor has no 256-bit vectors the two plain kernels run one after the
/// other (the same bits).
/// </remarks>
internal static class WideOnlineStep
{
    /// <summary>Floats in one 256-bit vector: the lane layout of <see cref="SquaredDistance"/>.</summary>
    private const int Lanes = 8;

    /// <summary>Moves <paramref name="weights"/> towards <paramref name="sample"/> by the step
    /// <paramref name="h"/> (0 leaves them as they are) and returns their squared distance to
    /// <paramref name="next"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float UpdateAndMeasure(Span<float> weights, ReadOnlySpan<float> sample, float h, ReadOnlySpan<float> next)
    {
        Debug.Assert(weights.Length == sample.Length && weights.Length == next.Length);
        if (h == 0)
        {
            return SquaredDistance.Compute(weights, next);
        }

        if (weights.Length >= Lanes && Vector512.IsHardwareAccelerated)
        {
            return Simd512(weights, sample, h, next);
        }

        if (weights.Length >= Lanes && Vector256.IsHardwareAccelerated)
        {
            return Simd256(weights, sample, h, next);
        }

        WeightUpdate.Apply(weights, sample, h);
        return SquaredDistance.Compute(weights, next);
    }

    /// <summary>
    /// <see cref="UpdateAndMeasure"/> for two nodes at once, both with a step that is not 0: the
    /// sample's and the next sample's vectors are loaded once for both nodes (each node's arithmetic
    /// is unchanged), which saves a third of the loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UpdateAndMeasurePair(Span<float> first, float firstStep, Span<float> second, float secondStep,
        ReadOnlySpan<float> sample, ReadOnlySpan<float> next, out float firstDistanceSquared, out float secondDistanceSquared)
    {
        Debug.Assert(first.Length == sample.Length && second.Length == sample.Length && next.Length == sample.Length);
        if (firstStep != 0 && secondStep != 0 && sample.Length >= Lanes && Vector512.IsHardwareAccelerated)
        {
            Pair512(first, firstStep, second, secondStep, sample, next, out firstDistanceSquared, out secondDistanceSquared);
            return;
        }

        firstDistanceSquared = UpdateAndMeasure(first, sample, firstStep, next);
        secondDistanceSquared = UpdateAndMeasure(second, sample, secondStep, next);
    }

    /// <summary>The 512-bit path of <see cref="UpdateAndMeasurePair"/>: <see cref="Simd512"/> for
    /// two nodes in one loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pair512(Span<float> first, float firstStep, Span<float> second, float secondStep,
        ReadOnlySpan<float> sample, ReadOnlySpan<float> next, out float firstDistanceSquared, out float secondDistanceSquared)
    {
        Debug.Assert(sample.Length >= Lanes && first.Length == sample.Length && second.Length == sample.Length && next.Length == sample.Length);
        ref var ra = ref MemoryMarshal.GetReference(first);
        ref var rb = ref MemoryMarshal.GetReference(second);
        ref var rs = ref MemoryMarshal.GetReference(sample);
        ref var rn = ref MemoryMarshal.GetReference(next);
        var n = (nuint)sample.Length;
        var stepA = Vector512.Create(firstStep);
        var stepB = Vector512.Create(secondStep);
        nuint i = 0;
        Vector512<float> lowA = Vector512<float>.Zero, highA = lowA, lowB = lowA, highB = lowA;
        for (; i + (4 * Lanes) <= n; i += 4 * Lanes)
        {
            var s = Vector512.LoadUnsafe(ref rs, i);
            var t = Vector512.LoadUnsafe(ref rn, i);
            var a = Vector512.LoadUnsafe(ref ra, i);
            var b = Vector512.LoadUnsafe(ref rb, i);
            a = Vector512.FusedMultiplyAdd(stepA, s - a, a);
            b = Vector512.FusedMultiplyAdd(stepB, s - b, b);
            a.StoreUnsafe(ref ra, i);
            b.StoreUnsafe(ref rb, i);
            a -= t;
            b -= t;
            lowA = Vector512.FusedMultiplyAdd(a, a, lowA);
            lowB = Vector512.FusedMultiplyAdd(b, b, lowB);

            s = Vector512.LoadUnsafe(ref rs, i + (2 * Lanes));
            t = Vector512.LoadUnsafe(ref rn, i + (2 * Lanes));
            a = Vector512.LoadUnsafe(ref ra, i + (2 * Lanes));
            b = Vector512.LoadUnsafe(ref rb, i + (2 * Lanes));
            a = Vector512.FusedMultiplyAdd(stepA, s - a, a);
            b = Vector512.FusedMultiplyAdd(stepB, s - b, b);
            a.StoreUnsafe(ref ra, i + (2 * Lanes));
            b.StoreUnsafe(ref rb, i + (2 * Lanes));
            a -= t;
            b -= t;
            highA = Vector512.FusedMultiplyAdd(a, a, highA);
            highB = Vector512.FusedMultiplyAdd(b, b, highB);
        }

        Vector256<float> accA = lowA.GetLower(), accB = lowB.GetLower();
        Vector256<float> step256A = Vector256.Create(firstStep), step256B = Vector256.Create(secondStep);
        for (; i + Lanes <= n; i += Lanes)
        {
            accA = Step256(ref ra, ref rs, ref rn, i, step256A, accA);
            accB = Step256(ref rb, ref rs, ref rn, i, step256B, accB);
        }

        firstDistanceSquared = Tail(ref ra, ref rs, ref rn, i, n, firstStep, Vector256.Sum((accA + lowA.GetUpper()) + (highA.GetLower() + highA.GetUpper())));
        secondDistanceSquared = Tail(ref rb, ref rs, ref rn, i, n, secondStep, Vector256.Sum((accB + lowB.GetUpper()) + (highB.GetLower() + highB.GetUpper())));
    }

    /// <summary>The 256-bit path: <see cref="SquaredDistance.Simd"/>'s four accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Simd256(Span<float> weights, ReadOnlySpan<float> sample, float h, ReadOnlySpan<float> next)
    {
        Debug.Assert(weights.Length >= Lanes && weights.Length == sample.Length && weights.Length == next.Length);
        ref var rw = ref MemoryMarshal.GetReference(weights);
        ref var rs = ref MemoryMarshal.GetReference(sample);
        ref var rn = ref MemoryMarshal.GetReference(next);
        var n = (nuint)weights.Length;
        var step = Vector256.Create(h);
        nuint i = 0;
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (; i + (4 * Lanes) <= n; i += 4 * Lanes)
        {
            acc0 = Step256(ref rw, ref rs, ref rn, i, step, acc0);
            acc1 = Step256(ref rw, ref rs, ref rn, i + Lanes, step, acc1);
            acc2 = Step256(ref rw, ref rs, ref rn, i + (2 * Lanes), step, acc2);
            acc3 = Step256(ref rw, ref rs, ref rn, i + (3 * Lanes), step, acc3);
        }

        for (; i + Lanes <= n; i += Lanes)
        {
            acc0 = Step256(ref rw, ref rs, ref rn, i, step, acc0);
        }

        return Tail(ref rw, ref rs, ref rn, i, n, h, Vector256.Sum((acc0 + acc1) + (acc2 + acc3)));
    }

    /// <summary>The 512-bit path: one accumulator holds <see cref="Simd256"/>'s first two (sums 0–15),
    /// another its last two (16–31); the whole 8s after the last 32 go into sums 0–7 at 256 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Simd512(Span<float> weights, ReadOnlySpan<float> sample, float h, ReadOnlySpan<float> next)
    {
        Debug.Assert(weights.Length >= Lanes && weights.Length == sample.Length && weights.Length == next.Length);
        ref var rw = ref MemoryMarshal.GetReference(weights);
        ref var rs = ref MemoryMarshal.GetReference(sample);
        ref var rn = ref MemoryMarshal.GetReference(next);
        var n = (nuint)weights.Length;
        var step = Vector512.Create(h);
        nuint i = 0;
        Vector512<float> low = Vector512<float>.Zero, high = low;
        for (; i + (4 * Lanes) <= n; i += 4 * Lanes)
        {
            var w = Vector512.LoadUnsafe(ref rw, i);
            w = Vector512.FusedMultiplyAdd(step, Vector512.LoadUnsafe(ref rs, i) - w, w);
            w.StoreUnsafe(ref rw, i);
            var d = w - Vector512.LoadUnsafe(ref rn, i);
            low = Vector512.FusedMultiplyAdd(d, d, low);

            var u = Vector512.LoadUnsafe(ref rw, i + (2 * Lanes));
            u = Vector512.FusedMultiplyAdd(step, Vector512.LoadUnsafe(ref rs, i + (2 * Lanes)) - u, u);
            u.StoreUnsafe(ref rw, i + (2 * Lanes));
            var e = u - Vector512.LoadUnsafe(ref rn, i + (2 * Lanes));
            high = Vector512.FusedMultiplyAdd(e, e, high);
        }

        var acc0 = low.GetLower();
        var step256 = Vector256.Create(h);
        for (; i + Lanes <= n; i += Lanes)
        {
            acc0 = Step256(ref rw, ref rs, ref rn, i, step256, acc0);
        }

        return Tail(ref rw, ref rs, ref rn, i, n, h, Vector256.Sum((acc0 + low.GetUpper()) + (high.GetLower() + high.GetUpper())));
    }

    /// <summary>Moves the 8 weights at <paramref name="at"/> and adds their squared differences to
    /// the next sample into <paramref name="acc"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Step256(ref float rw, ref float rs, ref float rn, nuint at, Vector256<float> step, Vector256<float> acc)
    {
        var w = Vector256.LoadUnsafe(ref rw, at);
        w = Vector256.FusedMultiplyAdd(step, Vector256.LoadUnsafe(ref rs, at) - w, w);
        w.StoreUnsafe(ref rw, at);
        var d = w - Vector256.LoadUnsafe(ref rn, at);
        return Vector256.FusedMultiplyAdd(d, d, acc);
    }

    /// <summary>The last elements [i, n), fewer than 8, one by one: moved, then added to the sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail(ref float rw, ref float rs, ref float rn, nuint i, nuint n, float h, float sum)
    {
        for (; i < n; i++)
        {
            ref var w = ref Unsafe.Add(ref rw, i);
            w = MathF.FusedMultiplyAdd(h, Unsafe.Add(ref rs, i) - w, w);
            var d = w - Unsafe.Add(ref rn, i);
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }
}
