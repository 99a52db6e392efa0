// Online training with the fused step: the tiled layout of a rectangular map (one row of all nodes,
// the neighbourhood as a row table and a column table read lane by lane) and the choice of layout.
// Correctness-critical: each node's step is the float32 product rowScale(y − y_b)·gx(x − x_b) the grid-row
// step forms, and every node of a moving row is in the moving range.
// Held by: tests/Kohonen.Tests/Training/FusedOnlineTrainingTests.cs (against the unfused loops, each
// layout, at every vector width). The layout choice is tuning, safe to touch.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*TrainerBenchmarks*'

using System.Runtime.CompilerServices;

namespace Kohonen;

internal sealed partial class FusedOnlineTraining
{
    /// <summary>The column tables' floats (grid width × period) up to which a map may be tiled: the
    /// tables are refilled each iteration, and beyond this (a wide map whose width and vector share
    /// no factor) the grid-row layout wastes less than the refill costs.</summary>
    private const int TiledColumnsBudget = 1 << 16;

    /// <summary>How the fused step lays out the codebook.</summary>
    internal enum Layout
    {
        /// <summary>One row of all nodes with a table of every BMU's steps (small rectangular maps).</summary>
        Flat,

        /// <summary>One row of all nodes, the steps from a row table and a column table (rectangular
        /// maps whose grid rows would be much padding).</summary>
        Tiled,

        /// <summary>Grid row by grid row, each padded to whole vectors (hexagonal maps, two threads,
        /// and rows that are (nearly) whole vectors).</summary>
        GridRows,
    }

    /// <summary>The layout for a map: the one-row layouts where grid rows would be padding, unless the
    /// step is split across two threads (by grid rows).</summary>
    internal static Layout LayoutFor(Grid grid, int lanes, bool twoThreads)
    {
        if (grid.Topology != Topology.Rectangular || twoThreads)
        {
            return Layout.GridRows;
        }

        if (grid.NodeCount <= FlatNodes)
        {
            return Layout.Flat;
        }

        var rowPadded = (grid.Width + lanes - 1) / lanes * lanes * grid.Height;
        var onePadded = (grid.NodeCount + lanes - 1) / lanes * lanes;
        // Tiled only when it saves at least an eighth of the lanes: it reads one table more per vector.
        return (long)grid.Width * Period(grid.Width, lanes) <= TiledColumnsBudget && rowPadded * 7L >= onePadded * 8L
            ? Layout.Tiled
            : Layout.GridRows;
    }

    /// <summary>The period of the columns along vectors of <paramref name="lanes"/>: the least
    /// multiple of both the width and the lanes.</summary>
    private static int Period(int width, int lanes)
    {
        var (a, b) = (width, lanes);
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return width / a * lanes;
    }

    /// <summary>For this iteration: the row table (position i of the slice of BMU row y_b, from
    /// (Height − 1 − y_b)·Width, is the scale of grid row i / Width around y_b; zero past the map) and
    /// each BMU row's moving range of vectors (the first to the last grid row whose scale is not 0).
    /// The column tables are marked stale.</summary>
    private void FillTiledRows()
    {
        var (width, height) = (_gridWidth, _gridHeight);
        var byOffset = _table.CentredRowScalesByOffset;
        var rows = _tiledRows.AsSpan();
        for (var k = 0; k < byOffset.Length; k++)
        {
            rows.Slice(k * width, width).Fill(byOffset[k]);
        }

        var lanes = _planes.Lanes;
        for (var bmuRow = 0; bmuRow < height; bmuRow++)
        {
            var scales = _table.CentredRowScales(bmuRow);
            int first = scales.IndexOfAnyExcept(0f), last = scales.LastIndexOfAnyExcept(0f);
            (_moveFrom[bmuRow], _moveEnd[bmuRow]) = first < 0
                ? (0, 0)
                : (first * width / lanes, (((last + 1) * width) + lanes - 1) / lanes);
        }
    }

    /// <summary>The column table of BMU column <paramref name="bmuColumn"/> for this iteration: position
    /// j holds the x factor of column j mod Width around it, for one period. Inlined into the step's
    /// loop, which is compiled optimised at once (a call would run unoptimised code once a sample).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<float> TiledColumns(int bmuColumn)
    {
        var table = _tiledColumns.Span.Slice(bmuColumn * _tiledPeriod, _tiledPeriod);
        if (_tiledColumnsIteration[bmuColumn] != _iteration)
        {
            FillTiledColumns(bmuColumn, table);
        }

        return table;
    }

    private void FillTiledColumns(int bmuColumn, Span<float> table)
    {
        var columns = _table.CentredColumns(bmuColumn)[.._gridWidth];
        for (var at = 0; at < table.Length; at += columns.Length)
        {
            columns.CopyTo(table[at..]);
        }

        _tiledColumnsIteration[bmuColumn] = _iteration;
    }
}
