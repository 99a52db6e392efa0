// Online training with the fused step: the neighbourhood factors of each step (the one-row layout's
// table of every BMU's steps, the hexagonal grid's alternating rows) and the step itself.
// Correctness-critical: each node's step is the float32 product the unfused loops form, and the
// cut-off leaves out exactly the steps they leave out.
// Held by: tests/Kohonen.Tests/Training/FusedOnlineTrainingTests.cs and NeighborhoodCutoffTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*OnlineStepBenchmarks*' '*TrainerBenchmarks*'

using System.Runtime.CompilerServices;

namespace Kohonen;

internal sealed partial class FusedOnlineTraining
{
    /// <summary>
    /// The one-row layout's steps around every BMU for this iteration. They are filled all at
    /// the iteration's start when it has at least as many samples as nodes, else each the first time a
    /// step needs it (an iteration of few samples then costs a row of the table per sample, not all
    /// nodes² of it). Node k's factor rowScale(y_k − y_b)·gx(x_k − x_b), grid row by grid
    /// row, the float32 product the two-dimensional step forms (its row scale 1,
    /// and 1·h = h exactly). The padding past the nodes stays 0. A node of a row that does not move gets
    /// 0, and w + 0·(v − w) = w: the same weights (a weight of −0 may become +0).
    /// </summary>
    private void FillAllFlatSteps()
    {
        var steps = _flatSteps.Span;
        var stride = _planes.Stride;
        var nodes = _columnOf.Length;
        for (var b = 0; b < nodes; b++)
        {
            var columns = _table.CentredColumns(_columnOf[b]);
            var rowScales = _table.CentredRowScales(_rowOf[b]);
            var row = steps.Slice(b * stride, nodes);
            for (var k = 0; k < nodes; k++)
            {
                row[k] = rowScales[_rowOf[k]] * columns[_columnOf[k]];
            }
        }
    }

    /// <summary><see cref="FillAllFlatSteps"/> for one BMU, marked as filled for this iteration.</summary>
    private void FillFlatSteps(int bmu)
    {
        var steps = _flatSteps.Span.Slice(bmu * _planes.Stride, _planes.Stride);
        var columns = _table.CentredColumns(_columnOf[bmu])[.._gridWidth];
        var rowScales = _table.CentredRowScales(_rowOf[bmu]);
        // Rows of at most 256 nodes: plain loops beat a vector call per grid row here.
        for (var y = 0; y < rowScales.Length; y++)
        {
            var row = steps.Slice(y * columns.Length, columns.Length);
            var scale = rowScales[y];
            for (var x = 0; x < columns.Length; x++)
            {
                row[x] = scale * columns[x];
            }
        }

        _flatStepsIteration[bmu] = _iteration;
    }

    /// <summary>The factors around the BMU on a hexagonal grid, whose rows alternate (the rectangular
    /// grid's come as slices of the centred tables instead), with the cut-off applied as
    /// <see cref="NeighborhoodTable.SetCentredScales"/> applies it: an x factor whose step is below
    /// the cut-off even in the BMU's row is 0, and <see cref="_hexagonalCutoff"/> is 0 when no step of
    /// a moving row can fall below it. The row scales depend on the BMU's row alone and the x factors
    /// on its centre in half cells (2·column, plus 1 in an odd row), so each is worked out once per
    /// iteration, the first time a sample needs it, not once a sample.</summary>
    private void CentreHexagonal(int bmu, double alpha)
    {
        var bmuRow = _rowOf[bmu];
        var centre = (2 * _columnOf[bmu]) + (bmuRow & 1);
        var prepared = false;
        if (_hexagonalRowsIteration[bmuRow] != _iteration)
        {
            _table.Prepare(bmu);
            prepared = true;
            FillHexagonalRows(bmuRow, alpha);
        }

        // The factors are cut with the largest row scale; it is α in every row (the BMU's own row is
        // exp(0) = 1 away), but they are kept with the scale they were cut with, not assumed.
        var largestScale = _hexagonalLargestScale[bmuRow];
        if (_hexagonalFactorsIteration[centre] != _iteration || _hexagonalFactorsCutWith[centre] != largestScale)
        {
            if (!prepared)
            {
                _table.Prepare(bmu);
            }

            var factors = _hexagonalFactors.AsSpan(centre * 2 * _planes.Stride, 2 * _planes.Stride);
            _hexagonalLeastFactor[centre] = Math.Min(
                CutFactors(_table.PaddedGaussianRowFactors(oddRow: false), factors[.._planes.Stride], largestScale),
                CutFactors(_table.PaddedGaussianRowFactors(oddRow: true), factors[_planes.Stride..], largestScale));
            _hexagonalFactorsCutWith[centre] = largestScale;
            _hexagonalFactorsIteration[centre] = _iteration;
        }

        _hexagonalRowsAt = bmuRow * _gridHeight;
        _hexagonalFactorsAt = centre * 2 * _planes.Stride;
        _hexagonalCutoff = _cutoff > 0f && _hexagonalLeastScale[bmuRow] * _hexagonalLeastFactor[centre] < _cutoff ? _cutoff : 0f;
    }

    /// <summary>The row scales around BMU row <paramref name="bmuRow"/> for this iteration (the table
    /// centred on a BMU of that row), their least and their largest.</summary>
    private void FillHexagonalRows(int bmuRow, double alpha)
    {
        var rowScales = _hexagonalRowScales.AsSpan(bmuRow * _gridHeight, _gridHeight);
        float largestScale = 0f, leastScale = float.PositiveInfinity;
        for (var y = 0; y < rowScales.Length; y++)
        {
            var rowScale = (float)(alpha * _table.GaussianColumnFactor(y));
            rowScales[y] = rowScale >= _cutoff ? rowScale : 0f;
            if (rowScales[y] > 0f)
            {
                largestScale = Math.Max(largestScale, rowScale);
                leastScale = Math.Min(leastScale, rowScale);
            }
        }

        _hexagonalLargestScale[bmuRow] = largestScale;
        _hexagonalLeastScale[bmuRow] = leastScale;
        _hexagonalRowsIteration[bmuRow] = _iteration;
    }

    /// <summary>Copies x factors, 0 where even the largest row scale makes a step below the cut-off,
    /// and returns the least nonzero factor of a node.</summary>
    private float CutFactors(ReadOnlySpan<float> factors, Span<float> cut, float largestScale)
    {
        var least = float.PositiveInfinity;
        for (var x = 0; x < cut.Length; x++)
        {
            var factor = _cutoff > 0f && largestScale * factors[x] < _cutoff ? 0f : factors[x];
            cut[x] = factor;
            if (x < _planes.Width && factor > 0f)
            {
                least = Math.Min(least, factor);
            }
        }

        return least;
    }

    /// <summary>The fused step over grid rows [firstRow, endRow): moves them towards sample
    /// <paramref name="sampleRow"/> around <paramref name="bmu"/> and returns the best of them for
    /// sample <paramref name="nextRow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Step(int bmu, int sampleRow, int nextRow, int firstRow, int endRow, out float bestDistanceSquared)
    {
        var sample = _values.AsSpan(sampleRow * _planes.Dim, _planes.Dim);
        var next = _values.AsSpan(nextRow * _planes.Dim, _planes.Dim);
        if (_flat)
        {
            if (_fillStepsOnDemand && _flatStepsIteration[bmu] != _iteration)
            {
                FillFlatSteps(bmu);
            }

            var steps = _flatSteps.Span.Slice(bmu * _planes.Stride, _planes.Stride);
            return _kernel.UpdateAndFindNext(_planes, sample, UnitRowScale, steps, steps, _rectangularCutoff, next, 0, 1, out bestDistanceSquared);
        }

        if (_tiled)
        {
            var bmuRow = _rowOf[bmu];
            var rows = _tiledRows.AsSpan((_gridHeight - 1 - bmuRow) * _gridWidth, _planes.Stride);
            return _kernel.UpdateTiledAndFindNext(_planes, sample, rows, TiledColumns(_columnOf[bmu]), _rectangularCutoff, next,
                _moveFrom[bmuRow], _moveEnd[bmuRow], out bestDistanceSquared);
        }

        if (_rectangular)
        {
            var columns = _table.CentredColumns(_columnOf[bmu]);
            return _kernel.UpdateAndFindNext(_planes, sample, _table.CentredRowScales(_rowOf[bmu]), columns, columns,
                _rectangularCutoff, next, firstRow, endRow, out bestDistanceSquared);
        }

        var stride = _planes.Stride;
        return _kernel.UpdateAndFindNext(_planes, sample, _hexagonalRowScales.AsSpan(_hexagonalRowsAt, _gridHeight),
            _hexagonalFactors.AsSpan(_hexagonalFactorsAt, stride), _hexagonalFactors.AsSpan(_hexagonalFactorsAt + stride, stride),
            _hexagonalCutoff, next, firstRow, endRow, out bestDistanceSquared);
    }
}
