using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// w ← w + h·(v − w), the Kohonen update of one node's weights towards an input. The SIMD path does
/// the same two roundings per element as the scalar one (a subtract, then a multiply and an add, not
/// fused), so both give identical bits.
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
            w[i] += h * (v[i] - w[i]);
        }
    }

    /// <summary>Eight elements per step; the last length mod 8 one by one.</summary>
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
            var step = hv * (Vector256.LoadUnsafe(ref rv, i) - wv);
            (wv + step).StoreUnsafe(ref rw, i);
        }

        for (; i < n; i++)
        {
            ref var wi = ref Unsafe.Add(ref rw, i);
            wi += h * (Unsafe.Add(ref rv, i) - wi);
        }
    }

    /// <summary>
    /// w[i] ← w[i] + h[i]·(v − w[i]): one feature of a run of nodes (a grid row of a planar codebook)
    /// moving towards the input's value v, each node with its own step h[i]. The same two roundings
    /// per element as <see cref="Scalar"/>, so the same bits; a step of 0 leaves a weight unchanged.
    /// </summary>
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
                var step = Vector256.LoadUnsafe(ref rh, i) * (vv - wv);
                (wv + step).StoreUnsafe(ref rw, i);
            }
        }

        for (; i < n; i++)
        {
            ref var wi = ref Unsafe.Add(ref rw, i);
            wi += Unsafe.Add(ref rh, i) * (v - wi);
        }
    }
}
