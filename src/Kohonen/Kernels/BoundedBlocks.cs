// The bounded-blocks BMU search (fewer than 8 features, a fixed codebook): only the blocks near the input.
// Guarantees: the node and distance bits of the node-by-node scalar scan, ties to the lowest index, at every
// vector width (512, 256, 128 bits); a block is skipped only when its exact lower bound exceeds a found distance.
// Held by: tests/Kohonen.Tests/Kernels/BoundedBlocksTests.cs (lattices full of ties, nodes one ulp apart,
// far inputs, every width) and SearchPlannerTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// An exact BMU search over a fixed codebook of few features that measures only the nodes near the
/// input. The nodes are grouped into blocks of one vector's width (16 nodes for 512-bit vectors, 8
/// for 256-bit ones) by recursive median splits along the widest feature, so that a block's nodes
/// lie close together, and each block keeps its bounding box. A
/// search measures the input's distance to every box (a lower bound for every node in it), then the
/// nodes of the nearest box, and then only the blocks whose bound is not above the distance found.
/// On a trained 50×50 map of 3 features that is a handful of the 157 blocks of 16. The measured
/// blocks are merged lane by lane (the least distance and the lowest node index at it, by compares
/// and selects), and reduced to one node once at the end.
/// </summary>
/// <remarks>
/// <para>Why it is exact. A box's bound is computed with the very operations of a node's distance:
/// per feature the gap g = x − clamp(x, lo, hi), then g₀·g₀, g₁·g₁ + acc, … as fused multiply-adds
/// (<see cref="SquaredDistance.Scalar"/>). For a node w in the box, |w − x| ≥ |g| as real numbers, and
/// rounding is monotone, so each rounded difference, each term and each rounded partial sum of the
/// node's distance is at least the bound's: no node's distance is below its box's bound, in float32 as
/// computed. A block is skipped only when its bound exceeds a node distance already found, so none of
/// its nodes can be the BMU or tie with it.</para>
/// <para>The winner among the measured nodes is the closest, ties to the lowest node index: within a
/// block the nodes are in index order, so the block's first lane at its least distance is its
/// lowest-index closest node, and between blocks a tie goes to the lower index. That is the answer of
/// a sequential scan, bit for bit, distance included. A NaN distance never wins; when no node is
/// closer than +∞ the answer is node 0, as in a scan.</para>
/// <para>Any vector width the processor runs (<see cref="VectorWidths"/>); 1 to 7 features
/// (<see cref="IsSupported"/>). Immutable and thread-safe; each thread keeps its own scratch for the
/// box bounds.</para>
/// </remarks>
internal sealed partial class BoundedBlocks
{
    /// <summary>Block b's weights of feature f are the <see cref="Lanes"/> floats from
    /// (b·Dim + f)·Lanes; lanes past a block's nodes are +∞ (a distance of +∞ that never wins). From a
    /// 64-byte boundary (<see cref="AlignedBuffer"/>), so that no block's vector straddles two cache lines.</summary>
    private readonly float[] _weights;

    /// <summary>Where the blocks start in <see cref="_weights"/> and <see cref="_nodeKeys"/>.</summary>
    private readonly int _weightsAt, _keysAt;

    /// <summary>Block b's node indices, ascending, <see cref="Lanes"/> from b·Lanes;
    /// <see cref="int.MaxValue"/> in the padding lanes.</summary>
    private readonly int[] _nodes;

    /// <summary>The boxes, feature-major: feature f of block b at f·<see cref="_boxStride"/> + b. The
    /// padding boxes past the last block are +∞ (their bound is +∞).</summary>
    private readonly float[] _low, _high;

    private readonly int _blockCount, _boxStride;

    /// <summary><see cref="_nodes"/> as floats (exact below 2²⁴ nodes), +∞ in the padding lanes: the
    /// search keeps a lane-wise best node beside the lane-wise least distance in vectors. From a
    /// 64-byte boundary.</summary>
    private readonly float[] _nodeKeys;

    [ThreadStatic]
    private static Memory<float> _bounds;

    /// <summary>Whether this machine and dimension have the search (vectors of some width; 1 to 7
    /// features).</summary>
    public static bool IsSupported(int dim) => VectorWidths.PreferredLanes > 0 && dim is >= 1 and < BmuSearch.PlanarBelowDimension;

    /// <param name="codebook">Node-major weights (<c>[node·dim + f]</c>), all finite.</param>
    /// <param name="dim">Features per node, from 1 to 7.</param>
    /// <param name="lanes">Floats per vector, 16, 8 or 4, a width this machine runs; 0 for the widest.</param>
    /// <param name="tiles">When given (the codebook's grid), the blocks are tiles of the grid (4×4, 4×2
    /// or 2×2 cells), formed in linear time: on an organised map neighbouring cells lie close
    /// together. Otherwise they are found by median splits of the weights.</param>
    public BoundedBlocks(ReadOnlySpan<float> codebook, int dim, int lanes = 0, Grid? tiles = null)
    {
        Lanes = lanes == 0 ? VectorWidths.PreferredLanes : lanes;
        Debug.Assert(dim is >= 1 and < BmuSearch.PlanarBelowDimension && VectorWidths.Runs(Lanes));
        Debug.Assert(codebook.Length % dim == 0 && codebook.Length > 0);
        Dim = dim;
        NodeCount = codebook.Length / dim;
        var order = new int[NodeCount];
        for (var k = 0; k < order.Length; k++)
        {
            order[k] = k;
        }

        var blocks = new List<(int Start, int Count)>();
        if (tiles is not null && tiles.NodeCount == NodeCount)
        {
            Tile(tiles, Lanes, order, blocks);
        }
        else
        {
            Split(codebook, dim, Lanes, order, new float[NodeCount], 0, NodeCount, blocks);
        }

        _blockCount = blocks.Count;
        _boxStride = (_blockCount + Lanes - 1) / Lanes * Lanes;
        (_weights, _weightsAt) = Aligned(_blockCount * dim * Lanes);
        _nodes = new int[_blockCount * Lanes];
        _low = new float[dim * _boxStride];
        _high = new float[dim * _boxStride];
        var weights = _weights.AsSpan(_weightsAt);
        weights.Fill(float.PositiveInfinity);
        _nodes.AsSpan().Fill(int.MaxValue);
        _low.AsSpan().Fill(float.PositiveInfinity);
        _high.AsSpan().Fill(float.PositiveInfinity);
        for (var b = 0; b < _blockCount; b++)
        {
            var (start, count) = blocks[b];
            var members = order.AsSpan(start, count);
            members.Sort();
            for (var f = 0; f < dim; f++)
            {
                float low = float.PositiveInfinity, high = float.NegativeInfinity;
                for (var j = 0; j < count; j++)
                {
                    var w = codebook[(members[j] * dim) + f];
                    weights[(((b * dim) + f) * Lanes) + j] = w;
                    low = Math.Min(low, w);
                    high = Math.Max(high, w);
                }

                _low[(f * _boxStride) + b] = low;
                _high[(f * _boxStride) + b] = high;
            }

            members.CopyTo(_nodes.AsSpan(b * Lanes, count));
        }

        (_nodeKeys, _keysAt) = Aligned(_nodes.Length);
        for (var k = 0; k < _nodes.Length; k++)
        {
            _nodeKeys[_keysAt + k] = _nodes[k] == int.MaxValue ? float.PositiveInfinity : _nodes[k];
        }
    }

    public int Dim { get; }

    /// <summary>The blocks' weights, from their 64-byte boundary.</summary>
    private ref float Weights => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_weights), _weightsAt);

    /// <summary>The blocks' node keys, from their 64-byte boundary.</summary>
    private ref float Keys => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_nodeKeys), _keysAt);

    /// <summary><paramref name="length"/> floats from a 64-byte boundary: the pinned array and where
    /// they start in it.</summary>
    private static (float[] Array, int At) Aligned(int length)
    {
        var memory = AlignedBuffer.Allocate(length);
        MemoryMarshal.TryGetArray<float>(memory, out var segment);
        return (segment.Array!, segment.Offset);
    }

    public int NodeCount { get; }

    /// <summary>Nodes per block, the vector width in floats (16, 8 or 4).</summary>
    public int Lanes { get; }

    /// <summary>The blocks (<see cref="Lanes"/> nodes each, the last one possibly fewer).</summary>
    public int BlockCount => _blockCount;

    /// <summary>The widest side of block <paramref name="block"/>'s box (how compact the blocks are).</summary>
    public float BoxWidth(int block) =>
        Enumerable.Range(0, Dim).Max(f => _high[(f * _boxStride) + block] - _low[(f * _boxStride) + block]);

    /// <summary>The BMU of <paramref name="input"/> and its squared distance, on this thread.</summary>
    public int FindBest(ReadOnlySpan<float> input, out float distanceSquared)
    {
        Debug.Assert(input.Length == Dim);
        if (_bounds.Length < _boxStride)
        {
            _bounds = AlignedBuffer.Allocate(_boxStride);
        }

        var bounds = _bounds.Span[.._boxStride];
        return Lanes switch
        {
            16 => AtWidth<Vector512<float>, Bits512>(input, bounds, out distanceSquared),
            8 => AtWidth<Vector256<float>, Bits256>(input, bounds, out distanceSquared),
            _ => AtWidth<Vector128<float>, Bits128>(input, bounds, out distanceSquared),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int AtWidth<TVector, TWidth>(ReadOnlySpan<float> input, Span<float> bounds, out float distanceSquared)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        Dim switch
        {
            1 => Find<One, TVector, TWidth>(input, bounds, out distanceSquared),
            2 => Find<Two, TVector, TWidth>(input, bounds, out distanceSquared),
            3 => Find<Three, TVector, TWidth>(input, bounds, out distanceSquared),
            4 => Find<Four, TVector, TWidth>(input, bounds, out distanceSquared),
            5 => Find<Five, TVector, TWidth>(input, bounds, out distanceSquared),
            6 => Find<Six, TVector, TWidth>(input, bounds, out distanceSquared),
            _ => Find<Seven, TVector, TWidth>(input, bounds, out distanceSquared),
        };

    /// <summary>Orders the nodes of order[start..start+count) into blocks of <paramref name="lanes"/>:
    /// split along the feature of widest spread at a whole number of blocks (the lower values on one
    /// side), recursively.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Split(ReadOnlySpan<float> codebook, int dim, int lanes, int[] order, float[] keys, int start, int count, List<(int, int)> blocks)
    {
        if (count <= lanes)
        {
            blocks.Add((start, count));
            return;
        }

        var (widest, spread) = (0, -1f);
        for (var f = 0; f < dim; f++)
        {
            float low = float.PositiveInfinity, high = float.NegativeInfinity;
            for (var j = start; j < start + count; j++)
            {
                var w = codebook[(order[j] * dim) + f];
                low = Math.Min(low, w);
                high = Math.Max(high, w);
            }

            if (high - low > spread)
            {
                (widest, spread) = (f, high - low);
            }
        }

        for (var j = start; j < start + count; j++)
        {
            keys[j] = codebook[(order[j] * dim) + widest];
        }

        var left = lanes * ((count + (2 * lanes) - 1) / (2 * lanes));
        SplitAt(keys, order, start, start + count - 1, start + left);
        Split(codebook, dim, lanes, order, keys, start, left, blocks);
        Split(codebook, dim, lanes, order, keys, start + left, count - left, blocks);
    }

    /// <summary>Orders the nodes into tiles of the grid of <paramref name="lanes"/> cells (4 wide; the
    /// tiles at the right and bottom edges may be smaller), each tile's nodes in index order.</summary>
    internal static void Tile(Grid grid, int lanes, int[] order, List<(int, int)> blocks)
    {
        var across = lanes >= 8 ? 4 : 2;
        var down = lanes / across;
        var at = 0;
        for (var y0 = 0; y0 < grid.Height; y0 += down)
        {
            for (var x0 = 0; x0 < grid.Width; x0 += across)
            {
                var start = at;
                for (var y = y0; y < Math.Min(grid.Height, y0 + down); y++)
                {
                    for (var x = x0; x < Math.Min(grid.Width, x0 + across); x++)
                    {
                        order[at++] = (y * grid.Width) + x;
                    }
                }

                blocks.Add((start, at - start));
            }
        }
    }

    /// <summary>Reorders keys[first..last] (and order with them) so that no key before
    /// <paramref name="cut"/> is above one from it on: a quickselect with three-way partitions,
    /// linear on average where a sort would be n log n.</summary>
    /// <remarks>Optimised at once: a model's blocks are split a few times per process, too few calls
    /// for tiered compilation to leave its unoptimised first code.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SplitAt(float[] keys, int[] order, int first, int last, int cut)
    {
        while (first < last)
        {
            var pivot = Median(keys[first], keys[first + ((last - first) / 2)], keys[last]);
            int lt = first, i = first, gt = last;
            while (i <= gt)
            {
                if (keys[i] < pivot)
                {
                    Swap(keys, order, lt++, i++);
                }
                else if (keys[i] > pivot)
                {
                    Swap(keys, order, i, gt--);
                }
                else
                {
                    i++;
                }
            }

            // [first, lt) below the pivot, [lt, gt] equal to it, (gt, last] above.
            if (cut < lt)
            {
                last = lt - 1;
            }
            else if (cut > gt)
            {
                first = gt + 1;
            }
            else
            {
                return;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Median(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(float[] keys, int[] order, int a, int b)
    {
        (keys[a], keys[b]) = (keys[b], keys[a]);
        (order[a], order[b]) = (order[b], order[a]);
    }

    /// <summary>Every box's bound (the squared distance from the broadcast input to the box, gap by gap) into
    /// <paramref name="bounds"/>, and the least of them lane by lane. Shared by the best-one and the
    /// best-two walks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVector BoxBounds<TDim, TVector, TWidth>((TVector X0, TVector X1, TVector X2, TVector X3, TVector X4, TVector X5, TVector X6) x, Span<float> bounds)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var lanes = TWidth.Lanes;
        var (x0, x1, x2, x3, x4, x5, x6) = x;
        ref var low = ref MemoryMarshal.GetArrayDataReference(_low);
        ref var high = ref MemoryMarshal.GetArrayDataReference(_high);
        ref var bound = ref MemoryMarshal.GetReference(bounds);
        var stride = (nuint)_boxStride;
        var least = TWidth.Create(float.PositiveInfinity);
        for (nuint at = 0; at < stride; at += (nuint)lanes)
        {
            var g = Gap<TVector, TWidth>(ref low, ref high, at, x0);
            var sum = TWidth.Multiply(g, g);
            sum = TDim.Value > 1 ? AddGap<TVector, TWidth>(ref low, ref high, at + stride, x1, sum) : sum;
            sum = TDim.Value > 2 ? AddGap<TVector, TWidth>(ref low, ref high, at + (2 * stride), x2, sum) : sum;
            sum = TDim.Value > 3 ? AddGap<TVector, TWidth>(ref low, ref high, at + (3 * stride), x3, sum) : sum;
            sum = TDim.Value > 4 ? AddGap<TVector, TWidth>(ref low, ref high, at + (4 * stride), x4, sum) : sum;
            sum = TDim.Value > 5 ? AddGap<TVector, TWidth>(ref low, ref high, at + (5 * stride), x5, sum) : sum;
            sum = TDim.Value > 6 ? AddGap<TVector, TWidth>(ref low, ref high, at + (6 * stride), x6, sum) : sum;
            least = LeastLanes.Keep<TVector, TWidth>(sum, ref bound, at, least);
        }

        return least;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Find<TDim, TVector, TWidth>(ReadOnlySpan<float> input, Span<float> bounds, out float distanceSquared)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var lanes = TWidth.Lanes;
        var (x0, x1, x2, x3, x4, x5, x6) = VectorWidths.Broadcast<TDim, TVector, TWidth>(input);
        var least = BoxBounds<TDim, TVector, TWidth>((x0, x1, x2, x3, x4, x5, x6), bounds);
        ref var bound = ref MemoryMarshal.GetReference(bounds);
        var stride = (nuint)_boxStride;

        // The nodes of the nearest box give a distance; every block whose bound is not above it is
        // measured (the nearest box's among them). Bounds of +∞ everywhere: every block is.
        ref var weights = ref Weights;
        var nearest = LeastLanes.First<TVector, TWidth>(bounds, TWidth.Least(least));
        var limit = nearest < 0
            ? float.PositiveInfinity
            : TWidth.Least(Distances<TDim, TVector, TWidth>(ref weights, nearest, x0, x1, x2, x3, x4, x5, x6));
        var threshold = TWidth.Create(limit);

        // Lane by lane, the least distance and, among the nodes at it, the lowest index (as a float):
        // the candidates' blocks merged with compares and selects, one reduction at the end.
        ref var keys = ref Keys;
        var best = TWidth.Create(float.PositiveInfinity);
        var bestKeys = TWidth.Create(float.PositiveInfinity);
        for (nuint at = 0; at < stride; at += (nuint)lanes)
        {
            var candidates = TWidth.LessThanOrEqualMask(TWidth.Load(ref bound, at), threshold);
            if (_blockCount - (int)at < lanes)
            {
                // Past the last block the boxes are padding (bound +∞, which a limit of +∞ admits).
                candidates &= (1u << (_blockCount - (int)at)) - 1;
            }

            while (candidates != 0)
            {
                var block = (int)at + BitOperations.TrailingZeroCount(candidates);
                candidates &= candidates - 1;
                var distances = Distances<TDim, TVector, TWidth>(ref weights, block, x0, x1, x2, x3, x4, x5, x6);
                (best, bestKeys) = Merge<TVector, TWidth>(distances, TWidth.Load(ref keys, (nuint)(block * lanes)), best, bestKeys);
            }
        }

        // (No lane is NaN here: a NaN input has no candidates.)
        return Reduce<TVector, TWidth>(best, bestKeys, out distanceSquared);
    }

    /// <summary>A block's distances and node keys merged into the lane-wise least distances and, among
    /// the nodes at them, the lowest keys: closer takes the lane, farther leaves it, equal keeps the
    /// lower key (so the order the blocks come in does not matter).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Best, TVector BestKeys) Merge<TVector, TWidth>(TVector distances, TVector blockKeys, TVector best, TVector bestKeys)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var closer = TWidth.LessThan(distances, best);
        var farther = TWidth.LessThan(best, distances);
        var lower = TWidth.LessThan(blockKeys, bestKeys);
        bestKeys = TWidth.Select(closer, blockKeys, TWidth.Select(farther, bestKeys, TWidth.Select(lower, blockKeys, bestKeys)));
        return (TWidth.Min(distances, best), bestKeys);
    }

    /// <summary>The least of the lane-wise least distances and the lowest node key at it; node 0 at
    /// +∞ when no distance is below +∞ (as a scan answers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Reduce<TVector, TWidth>(TVector best, TVector bestKeys, out float distanceSquared)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        // The lowest key among the lanes at the least distance (the others' keys made +∞).
        var bestDistance = TWidth.Least(best);
        var bestNode = (int)TWidth.Least(TWidth.Select(TWidth.LessThan(TWidth.Create(bestDistance), best), TWidth.Create(float.PositiveInfinity), bestKeys));
        distanceSquared = bestDistance;
        return bestDistance < float.PositiveInfinity ? bestNode : 0;
    }

    /// <summary>The nodes of <paramref name="block"/>: their squared distances to the input, d₀·d₀
    /// then d·d + acc feature by feature (the scalar reference's operations).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Distances<TDim, TVector, TWidth>(ref float weights, int block,
        TVector x0, TVector x1, TVector x2, TVector x3, TVector x4, TVector x5, TVector x6)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        ref var w = ref Unsafe.Add(ref weights, block * TDim.Value * TWidth.Lanes);
        var d = TWidth.Subtract(TWidth.Load(ref w, 0), x0);
        var sum = TWidth.Multiply(d, d);
        sum = TDim.Value > 1 ? AddSquare<TVector, TWidth>(ref w, 1, x1, sum) : sum;
        sum = TDim.Value > 2 ? AddSquare<TVector, TWidth>(ref w, 2, x2, sum) : sum;
        sum = TDim.Value > 3 ? AddSquare<TVector, TWidth>(ref w, 3, x3, sum) : sum;
        sum = TDim.Value > 4 ? AddSquare<TVector, TWidth>(ref w, 4, x4, sum) : sum;
        sum = TDim.Value > 5 ? AddSquare<TVector, TWidth>(ref w, 5, x5, sum) : sum;
        return TDim.Value > 6 ? AddSquare<TVector, TWidth>(ref w, 6, x6, sum) : sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddSquare<TVector, TWidth>(ref float w, int feature, TVector x, TVector sum)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var d = TWidth.Subtract(TWidth.Load(ref w, (nuint)(feature * TWidth.Lanes)), x);
        return TWidth.FusedMultiplyAdd(d, d, sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddGap<TVector, TWidth>(ref float low, ref float high, nuint at, TVector x, TVector sum)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var g = Gap<TVector, TWidth>(ref low, ref high, at, x);
        return TWidth.FusedMultiplyAdd(g, g, sum);
    }

    /// <summary>x − clamp(x, lo, hi) for a vector of boxes: 0 inside, else the signed gap to the nearer
    /// side (−∞ for a padding box, whose sides are +∞). The clamp is exact, one of x, lo and hi.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Gap<TVector, TWidth>(ref float low, ref float high, nuint at, TVector x)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Subtract(x, TWidth.Min(TWidth.Max(x, TWidth.Load(ref low, at)), TWidth.Load(ref high, at)));
}
