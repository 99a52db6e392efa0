// The Manhattan (L1) distances of an input to the nodes of a feature-major (planar) codebook.
// Guarantees: every node's distance is Σ |w_f − x_f| added feature by feature in feature order (0 + |d0|,
// then + |d1|, …), the bits of the scalar twin (ManhattanDistance.Scalar.cs), at every vector width and
// without vectors; the search takes the first node at the least distance, whatever the threads.
// Held by: tests/Kohonen.Tests/Kernels/DistanceKernelTests.cs (every width and the scalar twin against a
// plain reference on lattices full of ties, node counts around every vector boundary).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// Σ_f |w_f − x_f|, the Manhattan distance, measured across nodes over a feature-major codebook
/// (weight f of node k at <c>planes[f·nodes + k]</c>): one vector load brings the same feature of
/// consecutive nodes, so each lane sums one node's terms in feature order, exactly as the scalar
/// twin does. The expansion ‖x‖² − 2x·w + ‖w‖² that makes the Euclidean search a matrix product has no
/// L1 counterpart, so this is the search the planner gives the Manhattan distance at any dimension.
/// </summary>
internal static partial class ManhattanDistance
{
    /// <summary>Nodes whose distances are measured into one stack buffer before they are compared.</summary>
    private const int NodesPerBlock = 256;

    /// <summary>The distances of nodes [start, start + destination.Length) to <paramref name="input"/>, at
    /// the widest vectors the processor runs, else by the scalar twin; the same bits either way.</summary>
    public static void ToNodes(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, Span<float> destination)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            ToNodesAt<Vector512<float>, Bits512>(planes, nodes, input, start, destination);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            ToNodesAt<Vector256<float>, Bits256>(planes, nodes, input, start, destination);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            ToNodesAt<Vector128<float>, Bits128>(planes, nodes, input, start, destination);
        }
        else
        {
            ToNodesScalar(planes, nodes, input, start, destination);
        }
    }

    /// <summary>
    /// <see cref="ToNodes"/> at one width (internal so that tests run every width): four vectors of
    /// nodes per step, so that four add chains are in flight, then one vector per step, then the last
    /// nodes one by one. |d| clears the sign bit, exact; each sum adds one term per feature, so no lane
    /// order or blocking changes a bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ToNodesAt<TVector, TWidth>(ReadOnlySpan<float> planes, int nodes, ReadOnlySpan<float> input, int start, Span<float> destination)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var dim = input.Length;
        var count = destination.Length;
        Debug.Assert(planes.Length == nodes * dim && start >= 0 && start + count <= nodes);
        var lanes = TWidth.Lanes;
        ref var p = ref MemoryMarshal.GetReference(planes);
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var plane = (nuint)nodes;
        var zero = TWidth.Create(0f);
        var k = 0;
        for (; k + (4 * lanes) <= count; k += 4 * lanes)
        {
            var at = (nuint)(start + k);
            TVector acc0 = zero, acc1 = zero, acc2 = zero, acc3 = zero;
            for (var f = 0; f < dim; f++)
            {
                var xf = TWidth.Create(Unsafe.Add(ref x, f));
                var row = at + ((nuint)f * plane);
                acc0 = AddAbsolute<TVector, TWidth>(acc0, TWidth.Load(ref p, row), xf);
                acc1 = AddAbsolute<TVector, TWidth>(acc1, TWidth.Load(ref p, row + (nuint)lanes), xf);
                acc2 = AddAbsolute<TVector, TWidth>(acc2, TWidth.Load(ref p, row + (nuint)(2 * lanes)), xf);
                acc3 = AddAbsolute<TVector, TWidth>(acc3, TWidth.Load(ref p, row + (nuint)(3 * lanes)), xf);
            }

            TWidth.Store(acc0, ref d, (nuint)k);
            TWidth.Store(acc1, ref d, (nuint)(k + lanes));
            TWidth.Store(acc2, ref d, (nuint)(k + (2 * lanes)));
            TWidth.Store(acc3, ref d, (nuint)(k + (3 * lanes)));
        }

        for (; k + lanes <= count; k += lanes)
        {
            var at = (nuint)(start + k);
            var acc = zero;
            for (var f = 0; f < dim; f++)
            {
                acc = AddAbsolute<TVector, TWidth>(acc, TWidth.Load(ref p, at + ((nuint)f * plane)), TWidth.Create(Unsafe.Add(ref x, f)));
            }

            TWidth.Store(acc, ref d, (nuint)k);
        }

        ToNodesScalar(planes, nodes, input, start + k, destination[k..]);
    }

    /// <summary>acc + |w − x|, lane by lane: a subtract, the sign cleared (exact), an add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddAbsolute<TVector, TWidth>(TVector acc, TVector w, TVector x)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var difference = TWidth.Subtract(w, x);
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            var sum = Unsafe.As<TVector, Vector512<float>>(ref acc) + Vector512.Abs(Unsafe.As<TVector, Vector512<float>>(ref difference));
            return Unsafe.As<Vector512<float>, TVector>(ref sum);
        }

        if (typeof(TVector) == typeof(Vector256<float>))
        {
            var sum = Unsafe.As<TVector, Vector256<float>>(ref acc) + Vector256.Abs(Unsafe.As<TVector, Vector256<float>>(ref difference));
            return Unsafe.As<Vector256<float>, TVector>(ref sum);
        }

        var sum128 = Unsafe.As<TVector, Vector128<float>>(ref acc) + Vector128.Abs(Unsafe.As<TVector, Vector128<float>>(ref difference));
        return Unsafe.As<Vector128<float>, TVector>(ref sum128);
    }
}
