// The Kohonen update, w <- w + h·(v - w), for one node's weights and for runs of planar weights.
// Guarantees: every path (512-bit machines use the 256-bit one, 256, 128, scalar) gives the scalar
// twin's bits: a subtract, then one fused multiply-add per element; a step of 0 leaves a weight as it is.
// Held by: tests/Kohonen.Tests/Kernels/KernelTests.cs and PlanarKernelTests.cs (each width against
// the scalar twin over lengths 0 to 256 and awkward ones), Training/TrainerMatchesReferenceTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*UpdateBenchmarks*' '*OnlineStepBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// w ← w + h·(v − w), the Kohonen update of one node's weights towards an input: a subtract, then one
/// fused multiply-add (h·(v − w) + w rounded once), in every path, the scalar twin
/// (<see cref="MathF.FusedMultiplyAdd"/>) included, so all give identical bits. The vector paths are
/// written once over <see cref="IVectorWidth{TVector}"/> and run at 256 bits where the processor has
/// them, else at 128; each element's arithmetic does not depend on the width.
/// </summary>
internal static partial class WeightUpdate
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(Span<float> w, ReadOnlySpan<float> v, float h)
    {
        if (Vector256.IsHardwareAccelerated && w.Length >= Bits256.Lanes)
        {
            Simd<Vector256<float>, Bits256>(w, v, h);
        }
        else if (Vector128.IsHardwareAccelerated && w.Length >= Bits128.Lanes)
        {
            Simd<Vector128<float>, Bits128>(w, v, h);
        }
        else
        {
            Scalar(w, v, h);
        }
    }

    /// <summary>A vector per step; the last length mod lanes elements one by one, as the scalar twin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Simd<TVector, TWidth>(Span<float> w, ReadOnlySpan<float> v, float h)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        Debug.Assert(w.Length == v.Length);
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var n = w.Length;
        var hv = TWidth.Create(h);
        var i = 0;
        for (; i + TWidth.Lanes <= n; i += TWidth.Lanes)
        {
            var wv = TWidth.Load(ref rw, (nuint)i);
            TWidth.Store(TWidth.FusedMultiplyAdd(hv, TWidth.Subtract(TWidth.Load(ref rv, (nuint)i), wv), wv), ref rw, (nuint)i);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ApplyPlanar(Span<float> w, ReadOnlySpan<float> h, float v)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            ApplyPlanar<Vector256<float>, Bits256>(w, h, v);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            ApplyPlanar<Vector128<float>, Bits128>(w, h, v);
        }
        else
        {
            ScalarPlanar(w, h, v);
        }
    }

    /// <summary><see cref="ApplyPlanar(Span{float}, ReadOnlySpan{float}, float)"/> at one width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyPlanar<TVector, TWidth>(Span<float> w, ReadOnlySpan<float> h, float v)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        Debug.Assert(w.Length == h.Length);
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rh = ref MemoryMarshal.GetReference(h);
        var n = w.Length;
        var i = 0;
        var vv = TWidth.Create(v);
        for (; i + TWidth.Lanes <= n; i += TWidth.Lanes)
        {
            var wv = TWidth.Load(ref rw, (nuint)i);
            TWidth.Store(TWidth.FusedMultiplyAdd(TWidth.Load(ref rh, (nuint)i), TWidth.Subtract(vv, wv), wv), ref rw, (nuint)i);
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
    /// <see cref="ApplyPlanar(Span{float}, ReadOnlySpan{float}, float)"/>, so the bits are the same as
    /// the two-step path.
    /// </summary>
    /// <param name="planes">dim planes of <paramref name="nodes"/> floats.</param>
    /// <param name="nodes">Nodes per plane.</param>
    /// <param name="rowStart">Index of the first node to update (the row's first node plus the
    /// first column of the range).</param>
    /// <param name="gx">The x factors of the columns to update.</param>
    /// <param name="rowScale">α·gy of the row, in float32.</param>
    /// <param name="sample">The input, one value per plane.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ApplyPlanarGaussianRow(Span<float> planes, int nodes, int rowStart, ReadOnlySpan<float> gx, float rowScale, ReadOnlySpan<float> sample)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            ApplyPlanarGaussianRow<Vector256<float>, Bits256>(planes, nodes, rowStart, gx, rowScale, sample);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            ApplyPlanarGaussianRow<Vector128<float>, Bits128>(planes, nodes, rowStart, gx, rowScale, sample);
        }
        else
        {
            ScalarPlanarGaussianRow(planes, nodes, rowStart, gx, rowScale, sample, 0);
        }
    }

    /// <summary><see cref="ApplyPlanarGaussianRow(Span{float}, int, int, ReadOnlySpan{float}, float, ReadOnlySpan{float})"/>
    /// at one width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyPlanarGaussianRow<TVector, TWidth>(Span<float> planes, int nodes, int rowStart, ReadOnlySpan<float> gx, float rowScale, ReadOnlySpan<float> sample)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var dim = sample.Length;
        var width = gx.Length;
        Debug.Assert(planes.Length == nodes * dim && rowStart + width <= nodes);
        ref var p = ref MemoryMarshal.GetReference(planes);
        ref var g = ref MemoryMarshal.GetReference(gx);
        var x = 0;
        var scale = TWidth.Create(rowScale);
        for (; x + TWidth.Lanes <= width; x += TWidth.Lanes)
        {
            var h = TWidth.Multiply(scale, TWidth.Load(ref g, (nuint)x));
            for (var f = 0; f < dim; f++)
            {
                var at = (nuint)((f * nodes) + rowStart + x);
                var w = TWidth.Load(ref p, at);
                TWidth.Store(TWidth.FusedMultiplyAdd(h, TWidth.Subtract(TWidth.Create(sample[f]), w), w), ref p, at);
            }
        }

        for (; x < width; x++)
        {
            var h = rowScale * Unsafe.Add(ref g, x);
            for (var f = 0; f < dim; f++)
            {
                ref var w = ref Unsafe.Add(ref p, (f * nodes) + rowStart + x);
                w = MathF.FusedMultiplyAdd(h, sample[f] - w, w);
            }
        }
    }
}
