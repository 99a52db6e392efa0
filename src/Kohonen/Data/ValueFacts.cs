using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen;

/// <summary>What training must know of a data set's values before it starts, found in one vector pass
/// (the data is read once, not once a question): whether a value is missing (NaN), infinite, or beyond
/// ±<see cref="DataMatrix.MaxMagnitude"/> (infinities included).</summary>
internal readonly record struct ValueFacts(bool AnyMissing, bool AnyInfinite, bool AnyBeyondRange)
{
    /// <summary>The facts of <paramref name="values"/>: a scalar loop's answers, in one pass of 8-float
    /// vectors where the machine has them.</summary>
    public static ValueFacts Of(ReadOnlySpan<float> values)
    {
        var i = 0;
        bool missing = false, infinite = false, beyond = false;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            ref var r = ref MemoryMarshal.GetReference(values);
            var limit = Vector256.Create(DataMatrix.MaxMagnitude);
            var infinity = Vector256.Create(float.PositiveInfinity);
            Vector256<float> anyMissing = default, anyInfinite = default, anyBeyond = default;
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref r, (nuint)i);
                var magnitude = Vector256.Abs(v);
                anyMissing |= ~Vector256.Equals(v, v);
                anyInfinite |= Vector256.Equals(magnitude, infinity);
                anyBeyond |= Vector256.GreaterThan(magnitude, limit);
            }

            missing = anyMissing != Vector256<float>.Zero;
            infinite = anyInfinite != Vector256<float>.Zero;
            beyond = anyBeyond != Vector256<float>.Zero;
        }

        for (; i < values.Length; i++)
        {
            var value = values[i];
            missing |= float.IsNaN(value);
            infinite |= float.IsInfinity(value);
            beyond |= Math.Abs(value) > DataMatrix.MaxMagnitude;
        }

        return new ValueFacts(missing, infinite, beyond);
    }

    /// <summary>The facts as one nonzero int (bit 0 always set), to be kept with one atomic write.</summary>
    public int Packed => 1 | (AnyMissing ? 2 : 0) | (AnyInfinite ? 4 : 0) | (AnyBeyondRange ? 8 : 0);

    /// <summary>The facts of a <see cref="Packed"/> value.</summary>
    public static ValueFacts Unpack(int packed) => new((packed & 2) != 0, (packed & 4) != 0, (packed & 8) != 0);
}
