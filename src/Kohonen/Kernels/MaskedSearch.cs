// The BMU search of an input with missing values (NaN), over a node-major or a feature-major codebook.
// Guarantees: the node of least squared distance over the present features, ties to the lowest index;
// node-major through MaskedDistance (its bits on every processor), planar as a per-node sum over the
// present features in ascending order, one fused multiply-add each, in vectors across nodes with the
// scalar twin's bits. The distance returned is scaled by total/present features.
// Held by: tests/Kohonen.Tests/Kernels/MaskedDistanceTests.cs and Training/MissingValuesTrainingTests.cs
// (against a plain reference scan written in the test).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*MissingValuesBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// The BMU of an input with missing values: the node whose weights are nearest over the features the
/// input has (ties to the lowest node index). An input with no present feature has no BMU: callers
/// refuse or skip it before searching.
/// </summary>
internal static class MaskedSearch
{
    /// <summary>The best node of a node-major codebook for an input split by
    /// <see cref="MaskedDistance.Prepare"/> with <paramref name="present"/> present features;
    /// <paramref name="distanceSquared"/> is scaled by total/present. A <paramref name="hint"/> (a
    /// node likely near, such as last epoch's BMU, or −1) gives a bound from the start, so that blocks
    /// of nodes beyond it are left halfway (<see cref="MaskedDistance.SimdEight"/>); the answer is the
    /// same with any hint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FindBest(ReadOnlySpan<float> codebook, int dim, ReadOnlySpan<float> negated, ReadOnlySpan<float> mask, int present, out float distanceSquared, int hint = -1)
    {
        Debug.Assert(present > 0 && negated.Length == dim);
        var nodes = codebook.Length / dim;
        var best = 0;
        var bestD2 = float.PositiveInfinity;
        if ((uint)hint < (uint)nodes)
        {
            best = hint;
            bestD2 = MaskedDistance.Compute(codebook.Slice(hint * dim, dim), negated, mask);
        }

        var k = 0;
        if (MaskedDistance.EightRun)
        {
            // Eight nodes a pass over the input (the same distances as one node at a time).
            Span<float> eight = stackalloc float[8];
            for (; k + 8 <= nodes; k += 8)
            {
                if (!MaskedDistance.SimdEight(codebook.Slice(k * dim, 8 * dim), negated, mask, bestD2, eight))
                {
                    continue; // every one of the eight is farther than the best so far
                }

                for (var j = 0; j < 8; j++)
                {
                    if (eight[j] < bestD2 || (eight[j] == bestD2 && k + j < best))
                    {
                        bestD2 = eight[j];
                        best = k + j;
                    }
                }
            }
        }

        for (; k < nodes; k++)
        {
            var d2 = MaskedDistance.Compute(codebook.Slice(k * dim, dim), negated, mask);
            if (d2 < bestD2 || (d2 == bestD2 && k < best))
            {
                bestD2 = d2;
                best = k;
            }
        }

        distanceSquared = MaskedDistance.Scale(bestD2, dim, present);
        return best;
    }

    /// <summary>The best node of an input with NaN for missing values, over a node-major codebook; -1
    /// when every value is missing.</summary>
    public static int FindBest(ReadOnlySpan<float> codebook, int dim, ReadOnlySpan<float> input, out float distanceSquared)
    {
        Span<float> negated = dim <= 512 ? stackalloc float[dim] : new float[dim];
        Span<float> mask = dim <= 512 ? stackalloc float[dim] : new float[dim];
        var present = MaskedDistance.Prepare(input, negated, mask);
        if (present == 0)
        {
            distanceSquared = float.NaN;
            return -1;
        }

        return FindBest(codebook, dim, negated, mask, present, out distanceSquared);
    }

    /// <summary>The best and second-best nodes of an input with NaN for missing values over a node-major
    /// codebook (ties to the lower index for both places), the best one's squared distance scaled by
    /// total/present; best −1 when every value is missing.</summary>
    public static (int Best, float DistanceSquared, int Second) FindBestTwo(ReadOnlySpan<float> codebook, int dim, ReadOnlySpan<float> input)
    {
        Span<float> negated = dim <= 512 ? stackalloc float[dim] : new float[dim];
        Span<float> mask = dim <= 512 ? stackalloc float[dim] : new float[dim];
        var present = MaskedDistance.Prepare(input, negated, mask);
        if (present == 0)
        {
            return (-1, float.NaN, -1);
        }

        int best = 0, second = -1;
        float bestD2 = float.PositiveInfinity, secondD2 = float.PositiveInfinity;
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            var d2 = MaskedDistance.Compute(codebook.Slice(k * dim, dim), negated, mask);
            if (d2 < bestD2)
            {
                (second, secondD2) = (best, bestD2);
                (best, bestD2) = (k, d2);
            }
            else if (d2 < secondD2 || second < 0)
            {
                (second, secondD2) = (k, d2);
            }
        }

        return (best, MaskedDistance.Scale(bestD2, dim, present), second);
    }

    /// <summary>
    /// The best node of a feature-major codebook (<paramref name="planes"/>: feature f's weights of all
    /// nodes at f·nodes) for an input with NaN for missing values; -1 when every value is missing.
    /// <paramref name="scratch"/> holds at least <paramref name="nodes"/> floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FindBestPlanar(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, Span<float> scratch, out float distanceSquared)
    {
        var sums = scratch[..nodes];
        sums.Clear();
        var present = 0;
        for (var f = 0; f < input.Length; f++)
        {
            if (!float.IsNaN(input[f]))
            {
                AddPlane(sums, planes.Slice(f * nodes, nodes), input[f]);
                present++;
            }
        }

        if (present == 0)
        {
            distanceSquared = float.NaN;
            return -1;
        }

        var best = 0;
        var bestD2 = float.PositiveInfinity;
        for (var k = 0; k < nodes; k++)
        {
            if (sums[k] < bestD2)
            {
                bestD2 = sums[k];
                best = k;
            }
        }

        distanceSquared = MaskedDistance.Scale(bestD2, input.Length, present);
        return best;
    }

    /// <summary>sums[k] += (plane[k] − x)² (one fused multiply-add each), in vectors where the machine has
    /// them; the same bits as <see cref="AddPlaneScalar"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddPlane(Span<float> sums, ReadOnlySpan<float> plane, float x)
    {
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var rs = ref MemoryMarshal.GetReference(sums);
            ref var rp = ref MemoryMarshal.GetReference(plane);
            var xv = Vector256.Create(x);
            for (; k + Vector256<float>.Count <= sums.Length; k += Vector256<float>.Count)
            {
                var d = Vector256.LoadUnsafe(ref rp, (nuint)k) - xv;
                Vector256.FusedMultiplyAdd(d, d, Vector256.LoadUnsafe(ref rs, (nuint)k)).StoreUnsafe(ref rs, (nuint)k);
            }
        }

        AddPlaneScalar(sums[k..], plane[k..], x);
    }

    /// <summary>The scalar twin of <see cref="AddPlane"/>.</summary>
    internal static void AddPlaneScalar(Span<float> sums, ReadOnlySpan<float> plane, float x)
    {
        for (var k = 0; k < sums.Length; k++)
        {
            var d = plane[k] - x;
            sums[k] = MathF.FusedMultiplyAdd(d, d, sums[k]);
        }
    }
}
