// The vector widths a kernel is written over once (IVectorWidth: Bits512, Bits256, Bits128).
// Guarantees: each member is the same lane-wise operation at every width (Min and Max as vminps/vmaxps:
// the second operand where either is NaN), so a kernel gives the same bits at every width.
// Held by: every width-generic kernel's tests at 16, 8 and 4 lanes (BoundedBlocksTests, FusedOnlineStepTests,
// PlanarKernelTests, KernelTests).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*' '*OnlineStepBenchmarks*'

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kohonen.Kernels;

/// <summary>
/// A SIMD width known when the code is compiled, so that one kernel serves 512-bit machines
/// (AVX-512), 256-bit ones (AVX2 with FMA: most AMD processors before Zen 4, many Intel desktops) and
/// 128-bit ones (Arm64, and any x64 processor).
/// A kernel generic over <c>TVector, TWidth : IVectorWidth&lt;TVector&gt;</c> gets one JIT copy per
/// width; every member here is inlined into it, so the copy is the hand-written one. (The runtime's own
/// <c>ISimdVector</c> interface would do this, but it is not public in .NET 10.)
/// </summary>
/// <typeparam name="TVector">The vector type: <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/> or <see cref="Vector128{T}"/> of float.</typeparam>
internal interface IVectorWidth<TVector>
    where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Lanes { get; }

    /// <summary>Whether this machine runs vectors of this width natively, with fused multiply-adds.</summary>
    static abstract bool IsSupported { get; }

    static abstract TVector Create(float value);

    static abstract TVector Load(ref float source, nuint at);

    static abstract void Store(TVector value, ref float destination, nuint at);

    static abstract TVector Subtract(TVector left, TVector right);

    static abstract TVector Multiply(TVector left, TVector right);

    /// <summary>a·b + c with one rounding.</summary>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>Lane by lane the lesser, and <paramref name="right"/> where either is NaN (vminps), so
    /// that a NaN in <paramref name="left"/> never replaces a running least kept in <paramref name="right"/>.</summary>
    static abstract TVector Min(TVector left, TVector right);

    /// <summary>Lane by lane the greater, and <paramref name="right"/> where either is NaN (vmaxps).</summary>
    static abstract TVector Max(TVector left, TVector right);

    /// <summary>Lane by lane: <paramref name="value"/> where it is at least <paramref name="floor"/>, else 0.</summary>
    static abstract TVector ZeroBelow(TVector value, TVector floor);

    /// <summary>Lane by lane: <paramref name="value"/> in lanes below <paramref name="count"/>, +∞ in the others.</summary>
    static abstract TVector InfinityFrom(TVector value, int count);

    /// <summary>A bit per lane (lane 0 the lowest): where <paramref name="left"/> equals <paramref name="right"/>.</summary>
    static abstract uint EqualsMask(TVector left, TVector right);

    /// <summary>A bit per lane: where <paramref name="left"/> is at most <paramref name="right"/> (never for NaN).</summary>
    static abstract uint LessThanOrEqualMask(TVector left, TVector right);

    /// <summary>The least lane (none of them NaN).</summary>
    static abstract float Least(TVector value);

    /// <summary>Lane by lane: all bits set where <paramref name="left"/> is less than
    /// <paramref name="right"/> (never for NaN), else none.</summary>
    static abstract TVector LessThan(TVector left, TVector right);

    /// <summary>Lane by lane: <paramref name="yes"/> where the mask is set, else <paramref name="no"/>
    /// (bit by bit, so it carries the integers of <see cref="Indices"/> unchanged).</summary>
    static abstract TVector Select(TVector mask, TVector yes, TVector no);

    /// <summary>The integers <paramref name="start"/>, <paramref name="start"/> + 1, … in the lanes'
    /// bits (node indices carried in a float vector).</summary>
    static abstract TVector Indices(int start);

    /// <summary>Lane by lane, the sum of the integers in the lanes' bits.</summary>
    static abstract TVector AddIndices(TVector left, TVector right);
}

/// <summary>512-bit vectors, 16 floats (AVX-512F).</summary>
internal readonly struct Bits512 : IVectorWidth<Vector512<float>>
{
    public static int Lanes => 16;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Create(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint at) => Vector512.LoadUnsafe(ref source, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint at) => value.StoreUnsafe(ref destination, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> left, Vector512<float> right) => Avx512F.Min(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Avx512F.Max(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ZeroBelow(Vector512<float> value, Vector512<float> floor) =>
        Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(value, floor), value, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> InfinityFrom(Vector512<float> value, int count) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(count)).AsSingle(), value, Vector512.Create(float.PositiveInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint EqualsMask(Vector512<float> left, Vector512<float> right) => (uint)Vector512.Equals(left, right).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessThanOrEqualMask(Vector512<float> left, Vector512<float> right) => (uint)Vector512.LessThanOrEqual(left, right).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Least(Vector512<float> value) => Bits256.Least(Avx.Min(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LessThan(Vector512<float> left, Vector512<float> right) => Vector512.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> yes, Vector512<float> no) => Vector512.ConditionalSelect(mask, yes, no);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Indices(int start) => (Vector512.Create(start) + Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> AddIndices(Vector512<float> left, Vector512<float> right) => (left.AsInt32() + right.AsInt32()).AsSingle();
}

/// <summary>256-bit vectors, 8 floats (AVX2 with FMA).</summary>
internal readonly struct Bits256 : IVectorWidth<Vector256<float>>
{
    public static int Lanes => 8;

    public static bool IsSupported => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Create(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint at) => Vector256.LoadUnsafe(ref source, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint at) => value.StoreUnsafe(ref destination, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> left, Vector256<float> right) => Avx.Min(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Avx.Max(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ZeroBelow(Vector256<float> value, Vector256<float> floor) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(value, floor), value, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> InfinityFrom(Vector256<float> value, int count) =>
        Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle(), value, Vector256.Create(float.PositiveInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint EqualsMask(Vector256<float> left, Vector256<float> right) => Vector256.Equals(left, right).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessThanOrEqualMask(Vector256<float> left, Vector256<float> right) => Vector256.LessThanOrEqual(left, right).ExtractMostSignificantBits();

    /// <summary>The least lane: halves, then quarters, then pairs (vminps throughout).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Least(Vector256<float> value)
    {
        var quarter = Sse.Min(value.GetLower(), value.GetUpper());
        quarter = Sse.Min(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        quarter = Sse.Min(quarter, Vector128.Shuffle(quarter, Vector128.Create(1, 0, 3, 2)));
        return quarter.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LessThan(Vector256<float> left, Vector256<float> right) => Vector256.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> yes, Vector256<float> no) => Vector256.ConditionalSelect(mask, yes, no);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Indices(int start) => (Vector256.Create(start) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> AddIndices(Vector256<float> left, Vector256<float> right) => (left.AsInt32() + right.AsInt32()).AsSingle();
}

/// <summary>128-bit vectors, 4 floats: accelerated on every x64 processor (SSE) and on Arm64 (AdvSIMD).
/// Where the processor has no fused multiply-add (x64 before AVX2) the runtime computes
/// <see cref="FusedMultiplyAdd"/> in software, one rounding still, so the answers are those of every
/// other width.</summary>
internal readonly struct Bits128 : IVectorWidth<Vector128<float>>
{
    public static int Lanes => 4;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Create(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint at) => Vector128.LoadUnsafe(ref source, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint at) => value.StoreUnsafe(ref destination, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FusedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    /// <summary>minps on x64; elsewhere the same rule spelt out (left where it is less, else right),
    /// since Arm's fmin would let a NaN through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> left, Vector128<float> right) =>
        Sse.IsSupported ? Sse.Min(left, right) : Vector128.ConditionalSelect(Vector128.LessThan(left, right), left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) =>
        Sse.IsSupported ? Sse.Max(left, right) : Vector128.ConditionalSelect(Vector128.GreaterThan(left, right), left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ZeroBelow(Vector128<float> value, Vector128<float> floor) =>
        Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(value, floor), value, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> InfinityFrom(Vector128<float> value, int count) =>
        Vector128.ConditionalSelect(Vector128.LessThan(Vector128.Create(0, 1, 2, 3), Vector128.Create(count)).AsSingle(), value, Vector128.Create(float.PositiveInfinity));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint EqualsMask(Vector128<float> left, Vector128<float> right) => Vector128.Equals(left, right).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessThanOrEqualMask(Vector128<float> left, Vector128<float> right) => Vector128.LessThanOrEqual(left, right).ExtractMostSignificantBits();

    /// <summary>The least lane: pairs of halves, then of neighbours.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Least(Vector128<float> value)
    {
        value = Min(value, Vector128.Shuffle(value, Vector128.Create(2, 3, 0, 1)));
        value = Min(value, Vector128.Shuffle(value, Vector128.Create(1, 0, 3, 2)));
        return value.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LessThan(Vector128<float> left, Vector128<float> right) => Vector128.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> yes, Vector128<float> no) => Vector128.ConditionalSelect(mask, yes, no);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Indices(int start) => (Vector128.Create(start) + Vector128.Create(0, 1, 2, 3)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> AddIndices(Vector128<float> left, Vector128<float> right) => (left.AsInt32() + right.AsInt32()).AsSingle();
}

/// <summary>Which width a kernel runs at on this machine.</summary>
internal static class VectorWidths
{
    /// <summary>The floats per vector of the widest supported width: 16, 8, 4, or 0 when the
    /// processor runs no vectors natively (the kernels' scalar twins run then).</summary>
    public static int PreferredLanes =>
        Bits512.IsSupported ? Bits512.Lanes : Bits256.IsSupported ? Bits256.Lanes : Bits128.IsSupported ? Bits128.Lanes : 0;

    /// <summary>Whether kernels of <paramref name="lanes"/> floats per vector run natively here.</summary>
    public static bool Runs(int lanes) => lanes switch
    {
        16 => Bits512.IsSupported,
        8 => Bits256.IsSupported,
        4 => Bits128.IsSupported,
        _ => false,
    };

    /// <summary>The first <c>TDim.Value</c> features of <paramref name="v"/>, each in every lane of a
    /// vector of its own (the others default): a kernel's inputs, held in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TVector, TVector, TVector, TVector, TVector, TVector, TVector) Broadcast<TDim, TVector, TWidth>(ReadOnlySpan<float> v)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        (TWidth.Create(v[0]),
         TDim.Value > 1 ? TWidth.Create(v[1]) : default,
         TDim.Value > 2 ? TWidth.Create(v[2]) : default,
         TDim.Value > 3 ? TWidth.Create(v[3]) : default,
         TDim.Value > 4 ? TWidth.Create(v[4]) : default,
         TDim.Value > 5 ? TWidth.Create(v[5]) : default,
         TDim.Value > 6 ? TWidth.Create(v[6]) : default);
}
