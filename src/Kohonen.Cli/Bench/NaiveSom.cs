
namespace Kohonen.Cli.Bench;

/// <summary>
/// The classic algorithm as a plain triple loop, in double precision, with no tables, SIMD, threads
/// or cut-off: for every sample, every node's distance feature by feature, then every node's
/// Gaussian and update. The baseline <c>kohonen bench</c> measures the optimised trainer against, as
/// the Python originals measured their vectorised code against nested loops.
/// </summary>
internal static class NaiveSom
{
    /// <summary>Trains a rectangular map and returns the codebook (node-major, float).</summary>
    public static float[] Train(DataMatrix data, int width, int height, int iterations, int seed)
    {
        var dim = data.Columns;
        var nodes = width * height;
        var random = new Random(seed);
        var min = new double[dim];
        var max = new double[dim];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        for (var r = 0; r < data.Rows; r++)
        {
            for (var f = 0; f < dim; f++)
            {
                min[f] = Math.Min(min[f], data[r, f]);
                max[f] = Math.Max(max[f], data[r, f]);
            }
        }

        var w = new double[nodes, dim];
        for (var k = 0; k < nodes; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                w[k, f] = min[f] + (random.NextDouble() * (max[f] - min[f]));
            }
        }

        var sigma0 = Math.Max(width, height) / 2.0;
        var lambda = iterations / Math.Log(sigma0);
        for (var t = 0; t < iterations; t++)
        {
            var sigma = sigma0 * Math.Exp(-t / lambda);
            var alpha = 0.1 * Math.Exp(-t / lambda);
            for (var s = 0; s < data.Rows; s++)
            {
                var bmu = 0;
                var best = double.PositiveInfinity;
                for (var k = 0; k < nodes; k++)
                {
                    var d2 = 0.0;
                    for (var f = 0; f < dim; f++)
                    {
                        var d = w[k, f] - data[s, f];
                        d2 += d * d;
                    }

                    if (d2 < best)
                    {
                        best = d2;
                        bmu = k;
                    }
                }

                int bx = bmu % width, by = bmu / width;
                for (var k = 0; k < nodes; k++)
                {
                    int dx = (k % width) - bx, dy = (k / width) - by;
                    var h = alpha * Math.Exp(-((dx * dx) + (dy * dy)) / (2 * sigma * sigma));
                    for (var f = 0; f < dim; f++)
                    {
                        w[k, f] += h * (data[s, f] - w[k, f]);
                    }
                }
            }
        }

        var codebook = new float[nodes * dim];
        for (var k = 0; k < nodes; k++)
        {
            for (var f = 0; f < dim; f++)
            {
                codebook[(k * dim) + f] = (float)w[k, f];
            }
        }

        return codebook;
    }

    /// <summary>The trained codebook as a model, to measure it the same way as the optimised one.</summary>
    public static SomModel Model(float[] codebook, int width, int height, int dim) =>
        SomModel.Create(new Grid(width, height), codebook, dim);
}
