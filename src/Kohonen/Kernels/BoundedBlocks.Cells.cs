// The bounded-blocks search of many rows at a time through a grid of cells (1 to 3 features): no box bounds.
// Guarantees: each row's node and distance bits are the node-by-node scalar scan's, ties to the lowest index,
// at every vector width, in the rows' order; a cell's list holds every block that can hold the BMU or tie with
// it for any input in the cell (margins far above float32 rounding); inputs outside the grid, NaN or ±∞ go
// through the box bounds as one row would.
// Held by: tests/Kohonen.Tests/Kernels/BoundedBlocksCellsTests.cs (lattices full of ties, nodes one ulp apart,
// inputs on cell edges, far and NaN inputs, every width) and BoundedBlocksTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*'

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>The BMUs of many rows at a time, through a grid of cells over the codebook's range when
/// there are 1 to 3 features and enough rows have been searched to pay for laying it out.</summary>
/// <remarks>
/// <para>The grid covers the codebook's bounding box and an eighth of its extent on each side, in
/// about eight cells per node. Each cell keeps the blocks that can hold the BMU of an input in it: a
/// bound U on the squared distance from any point of the cell to its nearest node (the farthest
/// corner's distance to a node near the cell's centre), and every block whose box comes within U of
/// the cell. A row in a cell measures the nodes of its cell's blocks and nothing else: no box bounds,
/// and no branches on them. The lists are found coarse to fine (a cell's blocks are among those of
/// the cell of twice its side that holds it). The cells of a batch's rows are found a few dozen rows
/// ahead of their searches, so that their lists' ranges load side by side.</para>
/// <para>Why it is exact. For an input x in a cell, the nearest node is within U as real numbers.
/// A node's float32 squared distance is its real one within a relative 6·2⁻²⁴ (three rounded
/// differences, three rounded squares and sums, all terms non-negative; on a range where nothing
/// overflows) and an absolute error below 2⁻¹⁴⁶ (underflow). So a node whose computed distance is not
/// above the computed distance of the real nearest node is within U·(1 + 10⁻⁶) of x, and its box comes
/// within that distance of the cell: every node that can be the scan's answer, or tie with it, is in
/// the cell's blocks (a margin of 10⁻⁵ relative, 10⁻⁴⁰ absolute, is kept). The cell of x is found in
/// float32 (x − origin, times the cells per unit), whose rounding moves x by far less than the 10⁻³ of
/// a cell each cell is widened by on every side. The cells' geometry is computed in double. Among the
/// measured nodes, lane by lane a strictly closer node takes the lane; a row where a distance equals a
/// lane's least so far is merged again with <see cref="FindBest(ReadOnlySpan{float}, out float)"/>'s
/// rule (equal distances go to the lower node index), which does not depend on the order of the
/// blocks.</para>
/// </remarks>
internal sealed partial class BoundedBlocks
{
    /// <summary>Rows searched through <see cref="FindBest(ReadOnlySpan{float}, Span{int}, Span{float})"/>,
    /// per node, after which the grid is laid out: laying it out takes about as long as searching this
    /// many rows through the box bounds, so a codebook searched for fewer rows (a quality measure of
    /// a few thousand rows during training) never pays for it, and one searched for many (a served
    /// model, a large data set) pays at most about twice what it would have from the start.</summary>
    public const int CellsAfterRowsPerNode = 64;

    /// <summary>Cells per node of the grid (about).</summary>
    private const int CellsPerNode = 8;

    /// <summary>Rows whose cells are found together, ahead of their searches.</summary>
    private const int RowsAhead = 32;

    /// <summary>The most cells of a grid (its layout's time and memory grow with them).</summary>
    private const int MostCells = 1 << 18;

    /// <summary>A cell whose list would hold more blocks than this searches through the box bounds.</summary>
    private const int MostBlocksPerCell = 48;

    private long _rowsSearched;
    private int _cellsStarted;
    private CellGrid? _cells;

    /// <summary>Whether rows of this codebook's dimension can go through a grid of cells (1 to 3 features).</summary>
    public bool HasCellsDimension => Dim <= 3;

    /// <summary>Whether the grid is laid out (rows search through it from now on).</summary>
    public bool HasCells => Volatile.Read(ref _cells) is not null;

    /// <summary>The blocks a row in each cell measures, on average over the cells that have a list
    /// (for the tests and the benchmarks); 0 without a grid.</summary>
    public double BlocksPerCell => Volatile.Read(ref _cells) is { } cells ? cells.AverageListLength : 0;

    /// <summary>Lays out the grid now, whatever the rows searched so far, with
    /// <paramref name="perAxis"/> cells on each feature's axis (0 for about <see cref="CellsPerNode"/> per
    /// node, at most <see cref="MostCells"/>). Whether there is a grid afterwards (not for 4 features or
    /// more, more than 65,535 blocks, or weights so large that distances could overflow).</summary>
    public bool PrepareCells(int perAxis = 0)
    {
        if (Volatile.Read(ref _cells) is null && HasCellsDimension)
        {
            Interlocked.Exchange(ref _cellsStarted, 1);
            Volatile.Write(ref _cells, CellGrid.Build(this, perAxis));
        }

        return HasCells;
    }

    /// <summary>The BMUs of the rows (row-major, <see cref="Dim"/> floats each) on this thread, in their
    /// order: each row's <see cref="FindBest(ReadOnlySpan{float}, out float)"/> answer, through the grid
    /// of cells once it is laid out.</summary>
    public void FindBest(ReadOnlySpan<float> rows, Span<int> best, Span<float> distanceSquared)
    {
        var count = rows.Length / Dim;
        Debug.Assert(best.Length >= count && distanceSquared.Length >= count);
        var cells = Volatile.Read(ref _cells) ?? CellsWhenDue(count);
        if (cells is null)
        {
            for (var r = 0; r < count; r++)
            {
                best[r] = FindBest(rows.Slice(r * Dim, Dim), out distanceSquared[r]);
            }

            return;
        }

        if (_bounds.Length < _boxStride)
        {
            _bounds = AlignedBuffer.Allocate(_boxStride);
        }

        var bounds = _bounds.Span[.._boxStride];
        switch (Lanes)
        {
            case 16:
                RowsAtWidth<Vector512<float>, Bits512>(cells, rows, best, distanceSquared, bounds);
                break;
            case 8:
                RowsAtWidth<Vector256<float>, Bits256>(cells, rows, best, distanceSquared, bounds);
                break;
            default:
                RowsAtWidth<Vector128<float>, Bits128>(cells, rows, best, distanceSquared, bounds);
                break;
        }
    }

    /// <summary>Counts the rows and lays out the grid on the call that passes
    /// <see cref="CellsAfterRowsPerNode"/> per node (one caller builds it; the others search on
    /// meanwhile).</summary>
    private CellGrid? CellsWhenDue(int rows)
    {
        if (!HasCellsDimension || Interlocked.Add(ref _rowsSearched, rows) < (long)CellsAfterRowsPerNode * NodeCount
            || Interlocked.Exchange(ref _cellsStarted, 1) != 0)
        {
            return null;
        }

        var cells = CellGrid.Build(this, 0);
        Volatile.Write(ref _cells, cells);
        return cells;
    }

    private void RowsAtWidth<TVector, TWidth>(CellGrid cells, ReadOnlySpan<float> rows, Span<int> best, Span<float> distanceSquared, Span<float> bounds)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        switch (Dim)
        {
            case 1:
                RowsInCells<One, TVector, TWidth>(cells, rows, best, distanceSquared, bounds);
                break;
            case 2:
                RowsInCells<Two, TVector, TWidth>(cells, rows, best, distanceSquared, bounds);
                break;
            default:
                RowsInCells<Three, TVector, TWidth>(cells, rows, best, distanceSquared, bounds);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RowsInCells<TDim, TVector, TWidth>(CellGrid cells, ReadOnlySpan<float> rows, Span<int> best, Span<float> distanceSquared, Span<float> bounds)
        where TDim : struct, IDimension
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector>
    {
        var dim = TDim.Value;
        var count = rows.Length / dim;
        ref var weights = ref Weights;
        ref var keys = ref Keys;
        ref var starts = ref MemoryMarshal.GetArrayDataReference(cells.Starts);
        ref var lists = ref MemoryMarshal.GetArrayDataReference(cells.Blocks);
        var (o0, o1, o2) = (cells.Origin[0], dim > 1 ? cells.Origin[1] : 0f, dim > 2 ? cells.Origin[2] : 0f);
        var (s0, s1, s2) = (cells.Scale[0], dim > 1 ? cells.Scale[1] : 0f, dim > 2 ? cells.Scale[2] : 0f);
        var (n0, n1, n2) = ((float)cells.PerAxis[0], dim > 1 ? (float)cells.PerAxis[1] : 1f, dim > 2 ? (float)cells.PerAxis[2] : 1f);
        var (g0, g1) = (cells.PerAxis[0], dim > 1 ? cells.PerAxis[1] : 1);
        Span<int> firsts = stackalloc int[RowsAhead];
        Span<int> ends = stackalloc int[RowsAhead];
        for (var r = 0; r < count; r++)
        {
            var x = rows.Slice(r * dim, dim);
            if (r % RowsAhead == 0)
            {
                // The cells of the next rows first, in a loop of their own: their lists' ranges are then
                // loaded side by side rather than each after the previous row's search.
                for (var i = 0; i < RowsAhead && r + i < count; i++)
                {
                    // The cell: x − origin times cells per unit, every axis in [0, cells) (a NaN fails too).
                    var y = rows.Slice((r + i) * dim, dim);
                    var t0 = (y[0] - o0) * s0;
                    var t1 = dim > 1 ? (y[1] - o1) * s1 : 0f;
                    var t2 = dim > 2 ? (y[2] - o2) * s2 : 0f;
                    (firsts[i], ends[i]) = (0, 0);
                    if (t0 >= 0f && t0 < n0 && t1 >= 0f && t1 < n1 && t2 >= 0f && t2 < n2)
                    {
                        var cell = (int)t0 + (g0 * ((int)t1 + (g1 * (int)t2)));
                        (firsts[i], ends[i]) = (Unsafe.Add(ref starts, cell), Unsafe.Add(ref starts, cell + 1));
                    }
                }
            }

            var first = firsts[r % RowsAhead];
            var end = ends[r % RowsAhead];
            if (first == end)
            {
                // Outside the grid, or a cell of too many blocks: through the box bounds.
                best[r] = Find<TDim, TVector, TWidth>(x, bounds, out distanceSquared[r]);
                continue;
            }

            // Lane by lane the least distance and the key of the first block that reached it: a strictly
            // closer node takes the lane (one compare and one select a block, off the chain of minima).
            // Where a block's distance equals a lane's least so far the lower key must win, which this
            // does not see: such a row (rare but on lattices) is merged again with the full rule. The lanes
            // start at the largest float, so the +∞ of a block's padding lanes never ties.
            var (x0, x1, x2, x3, x4, x5, x6) = VectorWidths.Broadcast<TDim, TVector, TWidth>(x);
            var least = TWidth.Create(float.MaxValue);
            var leastKeys = TWidth.Create(float.PositiveInfinity);
            var ties = 0u;
            for (var at = first; at < end; at++)
            {
                var block = (int)Unsafe.Add(ref lists, at);
                var distances = Distances<TDim, TVector, TWidth>(ref weights, block, x0, x1, x2, x3, x4, x5, x6);
                ties |= TWidth.EqualsMask(distances, least);
                leastKeys = TWidth.Select(TWidth.LessThan(distances, least), TWidth.Load(ref keys, (nuint)(block * TWidth.Lanes)), leastKeys);
                least = TWidth.Min(distances, least);
            }

            if (ties != 0)
            {
                least = TWidth.Create(float.PositiveInfinity);
                leastKeys = least;
                for (var at = first; at < end; at++)
                {
                    var block = (int)Unsafe.Add(ref lists, at);
                    var distances = Distances<TDim, TVector, TWidth>(ref weights, block, x0, x1, x2, x3, x4, x5, x6);
                    (least, leastKeys) = Merge<TVector, TWidth>(distances, TWidth.Load(ref keys, (nuint)(block * TWidth.Lanes)), least, leastKeys);
                }
            }

            best[r] = Reduce<TVector, TWidth>(least, leastKeys, out distanceSquared[r]);
        }
    }

    /// <summary>The grid: per axis its origin, cells per unit and cell count; per cell (the first axis
    /// fastest) the range of <see cref="Blocks"/> it measures, empty for a cell that searches through
    /// the box bounds.</summary>
    private sealed class CellGrid
    {
        /// <summary>Each cell is widened by this share of its side on every side, plus 10⁻⁶ for each cell
        /// on its axis (far more than the rounding of finding an input's cell moves it: 2·2⁻²⁴ of its
        /// position in cells).</summary>
        private const double Slack = 1e-3;

        private CellGrid(float[] origin, float[] scale, int[] perAxis, int[] starts, ushort[] blocks)
        {
            Origin = origin;
            Scale = scale;
            PerAxis = perAxis;
            Starts = starts;
            Blocks = blocks;
            var listed = 0;
            for (var c = 0; c + 1 < starts.Length; c++)
            {
                listed += starts[c + 1] > starts[c] ? 1 : 0;
            }

            AverageListLength = listed == 0 ? 0 : blocks.Length / (double)listed;
        }

        public float[] Origin { get; }

        public float[] Scale { get; }

        public int[] PerAxis { get; }

        public int[] Starts { get; }

        public ushort[] Blocks { get; }

        public double AverageListLength { get; }

        /// <summary>The grid of <paramref name="search"/>'s blocks, or null where it cannot be exact or
        /// cannot pay (see <see cref="PrepareCells"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static CellGrid? Build(BoundedBlocks search, int perAxis)
        {
            var dim = search.Dim;
            var blocks = search.BlockCount;
            if (dim > 3 || blocks > ushort.MaxValue)
            {
                return null;
            }

            var origin = new float[dim];
            var scale = new float[dim];
            var counts = new int[dim];
            var cellsWanted = Math.Min(MostCells, search.NodeCount * (double)CellsPerNode);
            var each = perAxis > 0 ? perAxis : Math.Max(4, (int)Math.Round(Math.Pow(cellsWanted, 1.0 / dim)));
            for (var f = 0; f < dim; f++)
            {
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                for (var b = 0; b < blocks; b++)
                {
                    lo = Math.Min(lo, search._low[(f * search._boxStride) + b]);
                    hi = Math.Max(hi, search._high[(f * search._boxStride) + b]);
                }

                // Distances of nodes and inputs within the grid stay far below float32's overflow.
                const double Largest = 1e17;
                if (!(Math.Abs(lo) < Largest && Math.Abs(hi) < Largest))
                {
                    return null;
                }

                var extent = hi > lo ? hi - lo : Math.Max(Math.Abs(lo), 1.0) / 64;
                var from = (float)(lo - (extent / 8));
                var per = (float)(each / (hi + (extent / 8) - from));
                if (!float.IsNormal(per) || per <= 0 || !float.IsFinite(from))
                {
                    return null;
                }

                (origin[f], scale[f], counts[f]) = (from, per, each);
            }

            var grid = new Geometry(search, origin, scale, counts);

            // Cells of a power of two cells' side from at most about 8 a side down to 2, then the cells: each
            // from the list of the cell of twice its side that holds it, its bound never above that cell's.
            var buffer = new int[blocks];
            int[][] lists = [[.. Enumerable.Range(0, blocks)]];
            double[] ceilings = [double.PositiveInfinity];
            var above = Enumerable.Repeat(1, dim).ToArray();
            var aboveSpan = int.MaxValue;
            Span<int> at = stackalloc int[3];
            var top = 1;
            while (top * 8 < each)
            {
                top *= 2;
            }

            for (var span = top; span >= 2; span /= 2)
            {
                var level = counts.Select(n => (n + span - 1) / span).ToArray();
                var cellCount = level.Aggregate(1, (x, n) => x * n);
                var levelLists = new int[cellCount][];
                var levelCeilings = new double[cellCount];
                for (var c = 0; c < cellCount; c++)
                {
                    Position(c, level, at);
                    var up = Parent(at, span, above, aboveSpan);
                    var (found, bound) = grid.Candidates(at, span, lists[up], ceilings[up], buffer);
                    (levelLists[c], levelCeilings[c]) = (buffer[..found], bound);
                }

                (lists, ceilings, above, aboveSpan) = (levelLists, levelCeilings, level, span);
            }

            var cells = counts.Aggregate(1, (x, n) => x * n);
            var starts = new int[cells + 1];
            var listed = new List<ushort>(cells * 8);
            for (var c = 0; c < cells; c++)
            {
                Position(c, counts, at);
                var up = Parent(at, 1, above, aboveSpan);
                var (found, _) = grid.Candidates(at, 1, lists[up], ceilings[up], buffer);
                if (found <= MostBlocksPerCell)
                {
                    foreach (var block in buffer.AsSpan(0, found))
                    {
                        listed.Add((ushort)block);
                    }
                }

                starts[c + 1] = listed.Count;
            }

            return new CellGrid(origin, scale, counts, starts, [.. listed]);
        }

        /// <summary>The index of the cell of <paramref name="aboveSpan"/> cells' side (<paramref name="above"/>
        /// of them per axis; one cell of all when that side is <see cref="int.MaxValue"/>) that holds cell
        /// <paramref name="at"/> of <paramref name="span"/> cells' side.</summary>
        private static int Parent(ReadOnlySpan<int> at, int span, int[] above, int aboveSpan)
        {
            if (aboveSpan == int.MaxValue)
            {
                return 0;
            }

            var up = 0;
            for (var f = above.Length - 1; f >= 0; f--)
            {
                up = (up * above[f]) + (at[f] * span / aboveSpan);
            }

            return up;
        }

        /// <summary>Cell <paramref name="cell"/>'s position on each axis (the first axis fastest).</summary>
        private static void Position(int cell, int[] counts, Span<int> at)
        {
            for (var f = 0; f < counts.Length; f++)
            {
                at[f] = cell % counts[f];
                cell /= counts[f];
            }
        }

        /// <summary>The grid's geometry in double, and the candidate blocks of a cell.</summary>
        private sealed class Geometry(BoundedBlocks search, float[] origin, float[] scale, int[] counts)
        {
            private readonly int _dim = search.Dim;
            private readonly int[] _blockOfNode = BlockOfNode(search);
            private readonly double[] _nodes = Nodes(search);
            private readonly double[] _low = Boxes(search, search._low);
            private readonly double[] _high = Boxes(search, search._high);

            /// <summary>The blocks (into <paramref name="found"/>, ascending; their count) whose box comes
            /// within the bound of the cell of <paramref name="span"/> cells' side from cell
            /// <paramref name="at"/>·<paramref name="span"/>, among <paramref name="among"/> (ascending),
            /// and that bound, never above <paramref name="ceiling"/>:
            /// the least squared distance, over the nodes of the block of the centre's BMU, from the
            /// node to the cell's farthest corner.</summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public (int Count, double Bound) Candidates(ReadOnlySpan<int> at, int span, int[] among, double ceiling, int[] found)
            {
                Span<double> from = stackalloc double[4];
                Span<double> to = stackalloc double[4];
                Span<float> centre = stackalloc float[3];
                from.Clear();
                to.Clear();
                for (var f = 0; f < _dim; f++)
                {
                    // The real cell is origin + [i, i + 1) / scale; widened by the slack.
                    var side = 1.0 / scale[f];
                    var slack = Slack + (counts[f] * 1e-6);
                    from[f] = origin[f] + (((at[f] * span) - slack) * side);
                    to[f] = origin[f] + ((((at[f] + 1) * span) + slack) * side);
                    centre[f] = (float)((from[f] + to[f]) / 2);
                }

                // Per axis (the unused ones 0 throughout): the farthest corner's gap to a node, and the gap
                // between the cell and a box.
                var cellFrom = Vector256.Create<double>(from);
                var cellTo = Vector256.Create<double>(to);
                var lanes = search.Lanes;
                var block = _blockOfNode[search.FindBest(centre[.._dim], out _)];
                var bound = ceiling;
                for (var j = 0; j < lanes; j++)
                {
                    var w = Vector256.Create<double>(_nodes.AsSpan(((block * lanes) + j) * 4, 4));
                    var g = Vector256.MaxNative(Vector256.Abs(w - cellFrom), Vector256.Abs(cellTo - w));
                    var far = Vector256.Sum(g * g);
                    bound = far < bound ? far : bound;
                }

                var admit = (bound * (1 + 1e-5)) + 1e-40;
                var count = 0;
                foreach (var b in among)
                {
                    var g = Vector256.MaxNative(
                        Vector256.MaxNative(Vector256.Create<double>(_low.AsSpan(b * 4, 4)) - cellTo, cellFrom - Vector256.Create<double>(_high.AsSpan(b * 4, 4))),
                        Vector256<double>.Zero);
                    if (Vector256.Sum(g * g) <= admit)
                    {
                        found[count++] = b;
                    }
                }

                return (count, bound);
            }

            /// <summary>Four doubles per node of each block (block by block, lane by lane; +∞ in the
            /// padding lanes, 0 past the features).</summary>
            private static double[] Nodes(BoundedBlocks search)
            {
                var nodes = new double[search._blockCount * search.Lanes * 4];
                for (var b = 0; b < search._blockCount; b++)
                {
                    for (var j = 0; j < search.Lanes; j++)
                    {
                        for (var f = 0; f < search.Dim; f++)
                        {
                            nodes[(((b * search.Lanes) + j) * 4) + f] = search._nodes[(b * search.Lanes) + j] == int.MaxValue
                                ? double.PositiveInfinity
                                : search._weights[search._weightsAt + (((b * search.Dim) + f) * search.Lanes) + j];
                        }
                    }
                }

                return nodes;
            }

            /// <summary>Four doubles per block: a side of its box (0 past the features).</summary>
            private static double[] Boxes(BoundedBlocks search, float[] side)
            {
                var boxes = new double[search._blockCount * 4];
                for (var b = 0; b < search._blockCount; b++)
                {
                    for (var f = 0; f < search.Dim; f++)
                    {
                        boxes[(b * 4) + f] = side[(f * search._boxStride) + b];
                    }
                }

                return boxes;
            }

            private static int[] BlockOfNode(BoundedBlocks search)
            {
                var blockOf = new int[search.NodeCount];
                for (var k = 0; k < search._blockCount * search.Lanes; k++)
                {
                    if (search._nodes[k] != int.MaxValue)
                    {
                        blockOf[search._nodes[k]] = k / search.Lanes;
                    }
                }

                return blockOf;
            }
        }
    }
}
