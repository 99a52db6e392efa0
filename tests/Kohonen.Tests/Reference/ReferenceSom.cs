
namespace Kohonen.Tests.Reference;

/// <summary>
/// The classic Kohonen algorithm and the batch map written the plainest way, straight from the
/// formulas in the house plan, with its own grid geometry: no tables, no SIMD, no threads, no
/// shortcuts. The library's trainers are tested against it.
/// </summary>
internal static class ReferenceSom
{
    private static readonly double RowPitch = Math.Sqrt(3) / 2;

    public sealed record Map(int Width, int Height, bool Hexagonal, bool Toroidal);

    /// <summary>Node k's position: hexagonal odd rows shifted by half a cell, rows √3/2 apart.</summary>
    public static (double X, double Y) Position(Map map, int k)
    {
        int x = k % map.Width, y = k / map.Width;
        return map.Hexagonal ? (x + (y % 2 == 1 ? 0.5 : 0.0), y * RowPitch) : (x, y);
    }

    /// <summary>
    /// Squared grid distance between the positions, each axis taking the shorter way round on a torus.
    /// The y term is counted in rows and scaled by (√3/2)² = ¾ on a hexagonal grid, which is exact,
    /// so distances such as √3 compare exactly against σ at a bubble's edge.
    /// </summary>
    public static double GridDistanceSquared(Map map, int a, int b)
    {
        var (ax, _) = Position(map, a);
        var (bx, _) = Position(map, b);
        var dx = Math.Abs(ax - bx);
        var rows = (double)Math.Abs((a / map.Width) - (b / map.Width));
        if (map.Toroidal)
        {
            dx = Math.Min(dx, map.Width - dx);
            rows = Math.Min(rows, map.Height - rows);
        }

        return (dx * dx) + ((map.Hexagonal ? 0.75 : 1.0) * rows * rows);
    }

    public static double Theta(Neighborhood kind, double d2, double sigma) => kind switch
    {
        Neighborhood.Gaussian => Math.Exp(-d2 / (2 * sigma * sigma)),
        Neighborhood.Bubble => Math.Sqrt(d2) < sigma ? 1 : 0,
        Neighborhood.MexicanHat => (1 - (d2 / (sigma * sigma))) * Math.Exp(-d2 / (2 * sigma * sigma)),
        Neighborhood.Triangle => Math.Max(0, 1 - (Math.Sqrt(d2) / sigma)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static double Decayed(Decay decay, double x0, int t, int T, double sigma0) => decay switch
    {
        Decay.ExponentialClassic => x0 * Math.Exp(-t / (T / Math.Log(sigma0))),
        Decay.Linear => x0 * (1 - ((double)t / T)),
        Decay.Inverse => x0 * (T / 100.0) / ((T / 100.0) + t),
        Decay.Asymptotic => x0 / (1 + (t / (T / 2.0))),
        _ => throw new ArgumentOutOfRangeException(nameof(decay)),
    };

    public static int Bmu(float[][] weights, float[] v)
    {
        var best = 0;
        var bestD = double.PositiveInfinity;
        for (var k = 0; k < weights.Length; k++)
        {
            var d = 0f;
            for (var i = 0; i < v.Length; i++)
            {
                d += (weights[k][i] - v[i]) * (weights[k][i] - v[i]);
            }

            if (d < bestD)
            {
                bestD = d;
                best = k;
            }
        }

        return best;
    }

    /// <summary>The online algorithm. <paramref name="orders"/>[t] is the sample order of iteration t
    /// (null: stored order).</summary>
    public static float[][] TrainOnline(Map map, float[][] initial, float[][] data, SomOptions o, int[][]? orders = null)
    {
        var w = initial.Select(r => (float[])r.Clone()).ToArray();
        var sigma0 = o.Sigma ?? (Math.Max(map.Width, map.Height) / 2.0);
        for (var t = 0; t < o.Iterations; t++)
        {
            var sigma = Decayed(o.SigmaDecay, sigma0, t, o.Iterations, sigma0);
            var alpha = Decayed(o.LearningRateDecay, o.LearningRate, t, o.Iterations, sigma0);
            var order = orders?[t] ?? Enumerable.Range(0, data.Length).ToArray();
            foreach (var s in order)
            {
                var v = data[s];
                var bmu = Bmu(w, v);
                for (var k = 0; k < w.Length; k++)
                {
                    var h = (float)(alpha * Theta(o.Neighborhood, GridDistanceSquared(map, k, bmu), sigma));
                    for (var i = 0; i < v.Length; i++)
                    {
                        // w + h·(v − w) with one rounding, as the library computes it: a diverging
                        // Mexican hat amplifies any other rounding past every tolerance.
                        w[k][i] = MathF.FusedMultiplyAdd(h, v[i] - w[k][i], w[k][i]);
                    }
                }
            }
        }

        return w;
    }

    /// <summary>The batch map: every node becomes Σ θ·x / Σ θ over all samples, or keeps its weights
    /// when Σ θ is 0.</summary>
    public static float[][] TrainBatch(Map map, float[][] initial, float[][] data, SomOptions o)
    {
        var w = initial.Select(r => (float[])r.Clone()).ToArray();
        var sigma0 = o.Sigma ?? (Math.Max(map.Width, map.Height) / 2.0);
        var dim = data[0].Length;
        for (var t = 0; t < o.Iterations; t++)
        {
            var sigma = Decayed(o.SigmaDecay, sigma0, t, o.Iterations, sigma0);
            var bmus = data.Select(v => Bmu(w, v)).ToArray();
            var next = new float[w.Length][];
            for (var k = 0; k < w.Length; k++)
            {
                var num = new double[dim];
                var den = 0.0;
                for (var s = 0; s < data.Length; s++)
                {
                    var h = Theta(o.Neighborhood, GridDistanceSquared(map, k, bmus[s]), sigma);
                    den += h;
                    for (var i = 0; i < dim; i++)
                    {
                        num[i] += h * data[s][i];
                    }
                }

                next[k] = den > 0 ? [.. num.Select(x => (float)(x / den))] : w[k];
            }

            w = next;
        }

        return w;
    }
}
