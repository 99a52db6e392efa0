using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// w ← w + h·(v − w), the Kohonen update of one node's weights towards an input: a subtract, then one
/// fused multiply-add (h·(v − w) + w rounded once), in every path, the scalar reference
/// (<see cref="MathF.FusedMultiplyAdd"/>) included, so all give identical bits.
/// </summary>
internal static class WeightUpdate
{
    private const int Lanes = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(Span<float> w, ReadOnlySpan<float> v, float h)
    {
        if (Vector256.IsHardwareAccelerated && w.Length >= Lanes)
        {
            Simd(w, v, h);
        }
        else
        {
            Scalar(w, v, h);
        }
    }

    /// <summary>The reference.</summary>
    public static void Scalar(Span<float> w, ReadOnlySpan<float> v, float h)
    {
        Debug.Assert(w.Length == v.Length);
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = MathF.FusedMultiplyAdd(h, v[i] - w[i], w[i]);
        }
    }

    /// <summary>Eight elements per step; the last length mod 8 one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Simd(Span<float> w, ReadOnlySpan<float> v, float h)
    {
        Debug.Assert(w.Length == v.Length);
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var n = (nuint)w.Length;
        var hv = Vector256.Create(h);
        nuint i = 0;
        for (; i + Lanes <= n; i += Lanes)
        {
            var wv = Vector256.LoadUnsafe(ref rw, i);
            Vector256.FusedMultiplyAdd(hv, Vector256.LoadUnsafe(ref rv, i) - wv, wv).StoreUnsafe(ref rw, i);
        }

        for (; i < n; i++)
        {
            ref var wi = ref Unsafe.Add(ref rw, i);
            wi = MathF.FusedMultiplyAdd(h, Unsafe.Add(ref rv, i) - wi, wi);
        }
    }

    /// <summary>
    /// w[i] ← w[i] + h[i]·(v − w[i]): one feature of a run of nodes (a grid row of a planar codebook)
    /// moving towards the input's value v, each node with its own step h[i]. The same roundings per
    /// element as <see cref="Scalar"/>, so the same bits; a step of 0 leaves a weight unchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyPlanar(Span<float> w, ReadOnlySpan<float> h, float v)
    {
        Debug.Assert(w.Length == h.Length);
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rh = ref MemoryMarshal.GetReference(h);
        var n = (nuint)w.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vv = Vector256.Create(v);
            for (; i + Lanes <= n; i += Lanes)
            {
                var wv = Vector256.LoadUnsafe(ref rw, i);
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rh, i), vv - wv, wv).StoreUnsafe(ref rw, i);
            }
        }

        for (; i < n; i++)
        {
            ref var wi = ref Unsafe.Add(ref rw, i);
            wi = MathF.FusedMultiplyAdd(Unsafe.Add(ref rh, i), v - wi, wi);
        }
    }

    /// <summary>
    /// The Gaussian update of one grid row of a planar codebook, fused: for the nodes x of the row,
    /// h = rowScale·gx[x] (the step, α·θ) is formed in a register and every feature f moves
    /// w ← w + h·(v_f − w) in the same pass, instead of writing a row of steps and reading it back
    /// once per feature. The roundings are those of a float32 product followed by
    /// <see cref="ApplyPlanar"/>, so the bits are the same as the two-step path.
    /// </summary>
    /// <param name="planes">dim planes of <paramref name="nodes"/> floats.</param>
    /// <param name="nodes">Nodes per plane.</param>
    /// <param name="rowStart">Index of the first node to update (the row's first node plus the
    /// first column of the range).</param>
    /// <param name="gx">The x factors of the columns to update.</param>
    /// <param name="rowScale">α·gy of the row, in float32.</param>
    /// <param name="sample">The input, one value per plane.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyPlanarGaussianRow(Span<float> planes, int nodes, int rowStart, ReadOnlySpan<float> gx, float rowScale, ReadOnlySpan<float> sample)
    {
        var dim = sample.Length;
        var width = gx.Length;
        Debug.Assert(planes.Length == nodes * dim && rowStart + width <= nodes);
        ref var p = ref MemoryMarshal.GetReference(planes);
        ref var g = ref MemoryMarshal.GetReference(gx);
        var x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(rowScale);
            for (; x + Lanes <= width; x += Lanes)
            {
                var h = scale * Vector256.LoadUnsafe(ref g, (nuint)x);
                for (var f = 0; f < dim; f++)
                {
                    var at = (nuint)((f * nodes) + rowStart + x);
                    var w = Vector256.LoadUnsafe(ref p, at);
                    Vector256.FusedMultiplyAdd(h, Vector256.Create(sample[f]) - w, w).StoreUnsafe(ref p, at);
                }
            }
        }

        for (; x < width; x++)
        {
            var h = rowScale * gx[x];
            for (var f = 0; f < dim; f++)
            {
                ref var w = ref Unsafe.Add(ref p, (f * nodes) + rowStart + x);
                w = MathF.FusedMultiplyAdd(h, sample[f] - w, w);
            }
        }
    }
}
