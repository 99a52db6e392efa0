using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen;

/// <summary>Missing values: a missing value is a float NaN in the data, everywhere in the core.</summary>
internal static class MissingValues
{
    /// <summary>Whether any value is NaN (a vector scan where the machine has vectors).</summary>
    public static bool HasAny(ReadOnlySpan<float> values)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var r = ref MemoryMarshal.GetReference(values);
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref r, (nuint)i);
                if (!Vector256.EqualsAll(v, v))
                {
                    return true;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The number of values that are not NaN.</summary>
    public static int CountPresent(ReadOnlySpan<float> values)
    {
        var present = 0;
        foreach (var v in values)
        {
            present += float.IsNaN(v) ? 0 : 1;
        }

        return present;
    }

    /// <summary>The first row of <paramref name="data"/> with every value missing, or -1.</summary>
    public static int FirstEmptyRow(DataMatrix data)
    {
        if (!HasAny(data.Values))
        {
            return -1;
        }

        for (var r = 0; r < data.Rows; r++)
        {
            if (CountPresent(data.Row(r)) == 0)
            {
                return r;
            }
        }

        return -1;
    }
}
