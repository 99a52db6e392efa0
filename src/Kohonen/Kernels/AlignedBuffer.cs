// Float buffers from a 64-byte boundary (the kernels' layouts and scratch).
// Guarantees: the span starts on a 64-byte boundary and stays there (the array is pinned); zeroed.
// Held by: every kernel test that runs on a RowPlanes or blocked layout. Tuning, safe to touch.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BlockedSearchBenchmarks*' '*OnlineStepBenchmarks*'

using System.Runtime.InteropServices;

namespace Kohonen.Kernels;

/// <summary>
/// Float buffers that start on a 64-byte boundary, so that a 512-bit vector at any multiple of 16
/// floats lies in one cache line. The arrays are pinned (allocated on the pinned heap), so the
/// address holds. A vector straddling two lines makes every load and store a split one: the blocked
/// search's row state ran at half speed so, and the fused online step's timings were bimodal,
/// depending on where the collector happened to place the codebook.
/// </summary>
internal static class AlignedBuffer
{
    private const int Bytes = 64;

    /// <summary><paramref name="length"/> zeroed floats from a 64-byte boundary.</summary>
    public static Memory<float> Allocate(int length)
    {
        var array = GC.AllocateArray<float>(length + (Bytes / sizeof(float)), pinned: true);
        var address = (nuint)Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        var skip = (int)((Bytes - (address % Bytes)) % Bytes) / sizeof(float);
        return array.AsMemory(skip, length);
    }
}
