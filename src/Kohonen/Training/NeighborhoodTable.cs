using System.Diagnostics;
using System.Numerics.Tensors;
using Kohonen.Maps;

namespace Kohonen.Training;

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
    private double _sigma;

    public NeighborhoodTable(Grid grid, Neighborhood kind)
    {
        _grid = grid;
        _kind = kind;
        _dx2Even = new double[grid.Width];
        _dx2Odd = new double[grid.Width];
        _dy2 = new double[grid.Height];
        _gxEven = new double[grid.Width];
        _gxOdd = new double[grid.Width];
        _gy = new double[grid.Height];
        _gxEvenSingle = new float[grid.Width];
        _gxOddSingle = new float[grid.Width];
    }

    /// <summary>Centres the table on <paramref name="bmu"/> with radius <paramref name="sigma"/>.</summary>
    public void Prepare(int bmu, double sigma)
    {
        Debug.Assert(sigma > 0);
        _sigma = sigma;
        _grid.FillAxisSquaredDistances(bmu, _dx2Even, _dx2Odd, _dy2);
        if (_kind is Neighborhood.Gaussian or Neighborhood.MexicanHat)
        {
            var inv2s2 = -1.0 / (2.0 * sigma * sigma);
            for (var x = 0; x < _gxEven.Length; x++)
            {
                _gxEven[x] = Math.Exp(_dx2Even[x] * inv2s2);
                _gxOdd[x] = Math.Exp(_dx2Odd[x] * inv2s2);
                _gxEvenSingle[x] = (float)_gxEven[x];
                _gxOddSingle[x] = (float)_gxOdd[x];
            }

            for (var y = 0; y < _gy.Length; y++)
            {
                _gy[y] = Math.Exp(_dy2[y] * inv2s2);
            }
        }
    }

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

                TensorPrimitives.Multiply(odd ? _gxOddSingle : _gxEvenSingle, rowScale, destination[..width]);
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

    /// <summary>θ at a single node (used where a whole row is not needed).</summary>
    public double Theta(int node)
    {
        var x = node % _grid.Width;
        var y = node / _grid.Width;
        var odd = (y & 1) == 1 && _grid.Topology == Topology.Hexagonal;
        var d2 = (odd ? _dx2Odd : _dx2Even)[x] + _dy2[y];
        return Evaluate(_kind, d2, _sigma);
    }

    /// <summary>θ(d², σ) straight from the formula of each <see cref="Neighborhood"/>.</summary>
    public static double Evaluate(Neighborhood kind, double d2, double sigma) => kind switch
    {
        Neighborhood.Gaussian => Math.Exp(-d2 / (2.0 * sigma * sigma)),
        Neighborhood.Bubble => d2 < sigma * sigma ? 1.0 : 0.0,
        Neighborhood.MexicanHat => (1.0 - (d2 / (sigma * sigma))) * Math.Exp(-d2 / (2.0 * sigma * sigma)),
        Neighborhood.Triangle => Math.Max(0.0, 1.0 - (Math.Sqrt(d2) / sigma)),
        _ => throw new UnreachableException(),
    };
}
