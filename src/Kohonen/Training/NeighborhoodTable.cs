using System.Diagnostics;
using System.Numerics.Tensors;

namespace Kohonen;

/// <summary>
/// θ(d, σ) for every node around one BMU, computed from per-axis terms: the squared grid distance
/// to node (x, y) is dx²[parity(y)][x] + dy²[y] (<see cref="Grid.FillAxisSquaredDistances"/>), and the
/// Gaussian factorises, exp(−(dx²+dy²)/2σ²) = exp(−dx²/2σ²)·exp(−dy²/2σ²), so one sample costs
/// W + H exponentials rather than W·H. Scratch for one thread; one instance per worker.
/// </summary>
internal sealed class NeighborhoodTable
{
    private readonly Grid _grid;
    private readonly Neighborhood _kind;
    private readonly double[] _dx2Even, _dx2Odd, _dy2;
    private readonly double[] _gxEven, _gxOdd, _gy;
    private readonly float[] _gxEvenSingle, _gxOddSingle;
    private readonly double[] _expByHalfCells, _expByRows;
    private double _sigma = double.NaN;
    private float[] _centredColumns = [], _centredRowScales = [];

    /// <param name="grid">The map's grid.</param>
    /// <param name="kind">The neighbourhood function.</param>
    /// <param name="rowStride">Length of the float32 Gaussian x factors (at least the width; the
    /// entries past the width stay 0): a <see cref="Kernels.RowPlanes.Stride"/> for the fused step.</param>
    public NeighborhoodTable(Grid grid, Neighborhood kind, int rowStride = 0)
    {
        Debug.Assert(rowStride == 0 || rowStride >= grid.Width);
        _grid = grid;
        _kind = kind;
        _dx2Even = new double[grid.Width];
        _dx2Odd = new double[grid.Width];
        _dy2 = new double[grid.Height];
        _gxEven = new double[grid.Width];
        _gxOdd = new double[grid.Width];
        _gy = new double[grid.Height];
        _gxEvenSingle = new float[Math.Max(grid.Width, rowStride)];
        _gxOddSingle = new float[Math.Max(grid.Width, rowStride)];
        _expByHalfCells = new double[(2 * grid.Width) + 2];
        _expByRows = new double[grid.Height + 1];
    }

    /// <summary>The neighbourhood function.</summary>
    public Neighborhood Kind => _kind;

    /// <summary>Whether the grid wraps around.</summary>
    public bool Toroidal => _grid.Toroidal;

    /// <summary>
    /// Sets the radius for the samples that follow (one iteration). For the Gaussian family it
    /// tabulates exp(−j²/2σ²) once per offset, so that centring on a BMU needs no exponential: x
    /// offsets in half cells (hexagonal rows are offset by half a cell), y offsets in rows with the
    /// row pitch² (¾ on a hexagonal grid) folded in. Each entry is computed with the same expression
    /// as the per-node formula, so the values are the same bits.
    /// </summary>
    public void SetSigma(double sigma)
    {
        Debug.Assert(sigma > 0);
        _sigma = sigma;
        if (_kind is Neighborhood.Gaussian or Neighborhood.MexicanHat)
        {
            var inv2s2 = -1.0 / (2.0 * sigma * sigma);
            for (var j = 0; j < _expByHalfCells.Length; j++)
            {
                var dx = j * 0.5;
                _expByHalfCells[j] = Math.Exp(dx * dx * inv2s2);
            }

            var pitch2 = _grid.Topology == Topology.Hexagonal ? 0.75 : 1.0;
            for (var rows = 0; rows < _expByRows.Length; rows++)
            {
                _expByRows[rows] = Math.Exp(pitch2 * rows * rows * inv2s2);
            }
        }
    }

    /// <summary>
    /// The Gaussian on a rectangular grid, for the radius of <see cref="SetSigma"/> and the rate
    /// <paramref name="alpha"/>: tabulates the float32 x factors and the row scales (α·gy, 0 below
    /// <paramref name="cutoff"/>) by signed offset from the BMU, so that those of any BMU are slices
    /// (<see cref="CentredColumns"/>, <see cref="CentredRowScales"/>) and a sample costs no centring
    /// work. The values are those of <see cref="Prepare(int)"/> with <see cref="GaussianRowFactors"/>
    /// and α·<see cref="GaussianColumnFactor"/> in float32, bit for bit, but for one change that moves
    /// no node differently: with a cut-off, an x factor whose step is below it even in the BMU's own
    /// row (α·gx) is 0, as that step is never applied. Such factors are tiny, often subnormal, and a
    /// subnormal product costs a microcode assist on x86, around a hundred cycles each.
    /// </summary>
    /// <param name="alpha">The learning rate of the iteration.</param>
    /// <param name="cutoff">Row scales below this become 0 (0: no cut-off).</param>
    /// <param name="rowStride">Length of the column slices (at least the width). Past the width they
    /// hold factors of other offsets, or 0: whatever they are, they move only padding.</param>
    /// <returns>Whether a node of a moving row can still have a step below the cut-off, so that
    /// the steps must be checked node by node; false when every nonzero row scale times every
    /// nonzero x factor is at least the cut-off (and always without one).</returns>
    public bool SetCentredScales(double alpha, float cutoff, int rowStride)
    {
        Debug.Assert(_kind == Neighborhood.Gaussian && _grid.Topology == Topology.Rectangular && rowStride >= _grid.Width);
        int width = _grid.Width, height = _grid.Height;
        if (_centredColumns.Length != width - 1 + rowStride)
        {
            _centredColumns = new float[width - 1 + rowStride];
            _centredRowScales = new float[(2 * height) - 1];
        }

        float largestScale = 0f, leastScale = float.PositiveInfinity;
        for (var k = 0; k < _centredRowScales.Length; k++)
        {
            var scale = (float)(alpha * _expByRows[Wrapped(Math.Abs(k - (height - 1)), height)]);
            _centredRowScales[k] = scale >= cutoff ? scale : 0f;
            if (scale >= cutoff && scale > 0f)
            {
                largestScale = Math.Max(largestScale, scale);
                leastScale = Math.Min(leastScale, scale);
            }
        }

        var leastFactor = float.PositiveInfinity;
        for (var k = 0; k < _centredColumns.Length; k++)
        {
            var offset = Math.Abs(k - (width - 1));
            var factor = offset >= width ? 0f : (float)_expByHalfCells[2 * Wrapped(offset, width)];
            if (cutoff > 0f && largestScale * factor < cutoff)
            {
                factor = 0f;
            }

            _centredColumns[k] = factor;
            if (offset < width && factor > 0f)
            {
                leastFactor = Math.Min(leastFactor, factor);
            }
        }

        return cutoff > 0f && leastScale * leastFactor < cutoff;
    }

    /// <summary>The x factors of every column around a BMU in column <paramref name="bmuColumn"/>
    /// (see <see cref="SetCentredScales"/>).</summary>
    public ReadOnlySpan<float> CentredColumns(int bmuColumn) =>
        _centredColumns.AsSpan(_grid.Width - 1 - bmuColumn, _centredColumns.Length - _grid.Width + 1);

    /// <summary>The scales of every row around a BMU in row <paramref name="bmuRow"/> (see
    /// <see cref="SetCentredScales"/>).</summary>
    public ReadOnlySpan<float> CentredRowScales(int bmuRow) =>
        _centredRowScales.AsSpan(_grid.Height - 1 - bmuRow, _grid.Height);

    /// <summary>The row scales of <see cref="SetCentredScales"/> by signed row offset from the BMU:
    /// offset o at o + Height − 1 (2·Height − 1 values; <see cref="CentredRowScales"/> slices it).</summary>
    public ReadOnlySpan<float> CentredRowScalesByOffset => _centredRowScales;

    /// <summary>The Gaussian factor exp(−d²/2σ²) of <paramref name="columns"/> columns apart, for the
    /// radius of <see cref="SetSigma"/>, d taken the shorter way round on a torus: the tabulated value
    /// every Gaussian path here uses. For a rectangular grid (hexagonal rows are offset by half a cell).</summary>
    public double GaussianFactorAcrossColumns(int columns) => _expByHalfCells[2 * Wrapped(columns, _grid.Width)];

    /// <summary>The same for <paramref name="rows"/> rows apart.</summary>
    public double GaussianFactorAcrossRows(int rows) => _expByRows[Wrapped(rows, _grid.Height)];

    /// <summary>An axis distance taken the shorter way round on a torus.</summary>
    private int Wrapped(int distance, int length) => _grid.Toroidal ? Math.Min(distance, length - distance) : distance;

    /// <summary>Centres the table on <paramref name="bmu"/> with the radius of
    /// <see cref="SetSigma"/>.</summary>
    public void Prepare(int bmu)
    {
        if (_kind != Neighborhood.Gaussian)
        {
            _grid.FillAxisSquaredDistances(bmu, _dx2Even, _dx2Odd, _dy2);
        }

        if (_kind is Neighborhood.Gaussian or Neighborhood.MexicanHat)
        {
            // Offsets in half cells along x (the BMU's row offset included) and in rows along y,
            // wrapped the shorter way round on a torus: the indices of the tabulated factors.
            int width = _grid.Width, height = _grid.Height;
            int bx = bmu % width, by = bmu / width;
            var hexagonal = _grid.Topology == Topology.Hexagonal;
            var centre = (2 * bx) + (hexagonal ? by & 1 : 0);
            for (var x = 0; x < width; x++)
            {
                var even = Math.Abs((2 * x) - centre);
                var odd = hexagonal ? Math.Abs((2 * x) + 1 - centre) : even;
                if (_grid.Toroidal)
                {
                    even = Math.Min(even, (2 * width) - even);
                    odd = Math.Min(odd, (2 * width) - odd);
                }

                _gxEven[x] = _expByHalfCells[even];
                _gxOdd[x] = _expByHalfCells[odd];
                _gxEvenSingle[x] = (float)_gxEven[x];
                _gxOddSingle[x] = (float)_gxOdd[x];
            }

            for (var y = 0; y < height; y++)
            {
                var rows = Math.Abs(y - by);
                _gy[y] = _expByRows[_grid.Toroidal ? Math.Min(rows, height - rows) : rows];
            }
        }
    }

    /// <summary>Centres on <paramref name="bmu"/> with radius <paramref name="sigma"/> (both steps).</summary>
    public void Prepare(int bmu, double sigma)
    {
        if (sigma != _sigma)
        {
            SetSigma(sigma);
        }

        Prepare(bmu);
    }

    /// <summary>The Gaussian x factors of the even or odd rows in float32, for the fused kernels.</summary>
    public ReadOnlySpan<float> GaussianRowFactors(int y) =>
        ((y & 1) == 1 && _grid.Topology == Topology.Hexagonal ? _gxOddSingle : _gxEvenSingle).AsSpan(0, _grid.Width);

    /// <summary>The Gaussian x factors in float32 of the even rows, or of the odd rows on a hexagonal
    /// grid (the even rows' otherwise), padded with 0 to the row stride given at construction.</summary>
    public ReadOnlySpan<float> PaddedGaussianRowFactors(bool oddRow) =>
        oddRow && _grid.Topology == Topology.Hexagonal ? _gxOddSingle : _gxEvenSingle;

    /// <summary>The Gaussian y factor of row y (exp(−dy²/2σ²)).</summary>
    public double GaussianColumnFactor(int y) => _gy[y];

    /// <summary>
    /// Writes scale·θ for the nodes of row <paramref name="y"/> into <paramref name="destination"/>
    /// (Width values) and returns whether any of them is non-zero.
    /// </summary>
    public bool FillRow(int y, double scale, Span<float> destination)
    {
        var width = _grid.Width;
        Debug.Assert(destination.Length >= width);
        var odd = (y & 1) == 1 && _grid.Topology == Topology.Hexagonal;
        var dx2 = odd ? _dx2Odd : _dx2Even;
        var dy2 = _dy2[y];
        var any = false;
        switch (_kind)
        {
            case Neighborhood.Gaussian:
            {
                // h = (scale·gy) · gx in float32, one vector multiply per row: within a few ulps of
                // (float)(scale·θ). A row whose factor underflows to 0 has no step at all.
                var rowScale = (float)(scale * _gy[y]);
                if (rowScale == 0)
                {
                    destination[..width].Clear();
                    return false;
                }

                TensorPrimitives.Multiply(GaussianRowFactors(y), rowScale, destination[..width]);
                return true;
            }

            case Neighborhood.MexicanHat:
            {
                var gx = odd ? _gxOdd : _gxEven;
                var inv = 1.0 / (_sigma * _sigma);
                for (var x = 0; x < width; x++)
                {
                    var d2 = dx2[x] + dy2;
                    var h = (float)(scale * (1.0 - (d2 * inv)) * gx[x] * _gy[y]);
                    destination[x] = h;
                    any |= h != 0;
                }

                break;
            }

            case Neighborhood.Bubble:
            {
                var s2 = _sigma * _sigma;
                var on = (float)scale;
                for (var x = 0; x < width; x++)
                {
                    var h = dx2[x] + dy2 < s2 ? on : 0f;
                    destination[x] = h;
                    any |= h != 0;
                }

                break;
            }

            case Neighborhood.Triangle:
            {
                var inv = 1.0 / _sigma;
                for (var x = 0; x < width; x++)
                {
                    var h = (float)(scale * Math.Max(0.0, 1.0 - (Math.Sqrt(dx2[x] + dy2) * inv)));
                    destination[x] = h;
                    any |= h != 0;
                }

                break;
            }

            default:
                throw new UnreachableException();
        }

        return any;
    }
}
