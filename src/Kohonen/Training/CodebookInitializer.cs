
namespace Kohonen;

/// <summary>Fills a codebook before training (see <see cref="Initialization"/>).</summary>
internal static class CodebookInitializer
{
    public static float[] Create(DataMatrix data, Grid grid, Initialization kind, SomRandom random) =>
        Create(new TrainingData.InMemory(data), grid, kind, random);

    /// <summary>The codebook for rows in memory or streamed (PCA needs them in memory).</summary>
    public static float[] Create(TrainingData data, Grid grid, Initialization kind, SomRandom random)
    {
        var dim = data.Columns;
        var codebook = new float[(long)grid.NodeCount * dim];
        switch (kind)
        {
            case Initialization.Random:
                FillRandom(codebook, data, random);
                break;
            case Initialization.Sample:
                FillFromSamples(codebook, data, grid.NodeCount, random);
                break;
            case Initialization.Pca:
                FillPca(codebook, data.Whole ?? throw new SomOptionsException(nameof(SomOptions.Initialization),
                    "Initialization pca needs the data in memory (it passes over it many times); with streamed data use random or sample."), grid);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown initialization.");
        }

        return codebook;
    }

    /// <summary>Weight f of each node uniform in [min_f, max_f] of the data, node after node.</summary>
    private static void FillRandom(float[] codebook, TrainingData data, SomRandom random)
    {
        var dim = data.Columns;
        var min = new double[dim];
        var max = new double[dim];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        foreach (var chunk in data.Chunks())
        {
            for (var r = 0; r < chunk.Rows; r++)
            {
                var row = chunk.Row(r);
                for (var f = 0; f < dim; f++)
                {
                    if (!float.IsNaN(row[f]))
                    {
                        min[f] = Math.Min(min[f], row[f]);
                        max[f] = Math.Max(max[f], row[f]);
                    }
                }
            }
        }

        for (var f = 0; f < dim; f++)
        {
            if (min[f] > max[f])
            {
                (min[f], max[f]) = (0, 0); // a feature missing in every row
            }
        }

        for (var i = 0; i < codebook.Length; i++)
        {
            var f = i % dim;
            codebook[i] = (float)(min[f] + (random.NextDouble() * (max[f] - min[f])));
        }
    }

    /// <summary>Node k takes sample order[k] of a random permutation when there are enough samples,
    /// else a sample drawn with replacement.</summary>
    /// <remarks>The permutation holds one int per row (40 MB for 10 million rows).</remarks>
    private static void FillFromSamples(float[] codebook, TrainingData data, int nodes, SomRandom random)
    {
        var dim = data.Columns;
        if (data.Rows >= nodes)
        {
            var order = new int[data.Rows];
            random.Permutation(order);
            for (var k = 0; k < nodes; k++)
            {
                data.CopyRow(order[k], codebook.AsSpan(k * dim, dim));
            }
        }
        else
        {
            for (var k = 0; k < nodes; k++)
            {
                data.CopyRow(random.NextInt(data.Rows), codebook.AsSpan(k * dim, dim));
            }
        }

        if (MissingValues.HasAny(codebook))
        {
            // A sample's missing values become the feature's mean over the present values.
            var (mean, _) = PresentMeans(data);
            for (var i = 0; i < codebook.Length; i++)
            {
                if (float.IsNaN(codebook[i]))
                {
                    codebook[i] = (float)mean[i % dim];
                }
            }
        }
    }

    /// <summary>
    /// The plane of the first two principal components, from power iteration on the covariance
    /// (applied as Xcᵀ(Xc·v)/n, so no d×d matrix is formed), the second found with the first deflated.
    /// </summary>
    private static void FillPca(float[] codebook, DataMatrix data, Grid grid)
    {
        var dim = data.Columns;
        var n = data.Rows;
        var mean = new double[dim];
        if (MissingValues.HasAny(data.Values))
        {
            // Missing values count as the feature's mean over the present values (no deviation).
            (mean, var filled) = PresentMeans(new TrainingData.InMemory(data));
            data = filled;
        }
        else
        {
            for (var r = 0; r < n; r++)
            {
                var row = data.Row(r);
                for (var f = 0; f < dim; f++)
                {
                    mean[f] += row[f];
                }
            }

            for (var f = 0; f < dim; f++)
            {
                mean[f] /= n;
            }
        }

        var (e1, l1) = PowerIteration(data, mean, deflate: null);
        var (e2, l2) = dim > 1 ? PowerIteration(data, mean, deflate: e1) : (new double[dim], 0.0);
        var s1 = Math.Sqrt(Math.Max(l1, 0));
        var s2 = Math.Sqrt(Math.Max(l2, 0));

        // The longer side of the grid follows the first component.
        var xFirst = grid.Width >= grid.Height;
        for (var y = 0; y < grid.Height; y++)
        {
            for (var x = 0; x < grid.Width; x++)
            {
                var a = Spread(x, grid.Width);
                var b = Spread(y, grid.Height);
                var (c1, c2) = xFirst ? (a, b) : (b, a);
                var node = (y * grid.Width) + x;
                for (var f = 0; f < dim; f++)
                {
                    codebook[(node * dim) + f] = (float)(mean[f] + (c1 * s1 * e1[f]) + (c2 * s2 * e2[f]));
                }
            }
        }
    }

    /// <summary>Each feature's mean over its present values (0 when none), and for rows in memory the
    /// rows with each missing value replaced by that mean.</summary>
    private static (double[] Mean, DataMatrix Filled) PresentMeans(TrainingData data)
    {
        var dim = data.Columns;
        var sum = new double[dim];
        var count = new long[dim];
        foreach (var chunk in data.Chunks())
        {
            var values = chunk.Values;
            for (var i = 0; i < values.Length; i++)
            {
                if (!float.IsNaN(values[i]))
                {
                    sum[i % dim] += values[i];
                    count[i % dim]++;
                }
            }
        }

        var mean = new double[dim];
        for (var f = 0; f < dim; f++)
        {
            mean[f] = count[f] > 0 ? sum[f] / count[f] : 0.0;
        }

        if (data.Whole is not { } whole)
        {
            return (mean, DataMatrix.Wrap([], 0, dim));
        }

        var copy = whole.Values.ToArray();
        for (var i = 0; i < copy.Length; i++)
        {
            if (float.IsNaN(copy[i]))
            {
                copy[i] = (float)mean[i % dim];
            }
        }

        return (mean, DataMatrix.Wrap(copy, whole.Rows, dim, whole.ColumnNames));
    }

    /// <summary>i-th of n points evenly over [−1, 1] (0 when n is 1).</summary>
    private static double Spread(int i, int n) => n == 1 ? 0.0 : -1.0 + (2.0 * i / (n - 1));

    private static (double[] Vector, double Eigenvalue) PowerIteration(DataMatrix data, double[] mean, double[]? deflate)
    {
        var dim = data.Columns;
        var v = new double[dim];
        for (var f = 0; f < dim; f++)
        {
            v[f] = 1.0 + ((double)f / dim); // a fixed, asymmetric start: deterministic
        }

        Orthogonalize(v, deflate);
        if (!Normalize(v))
        {
            return (v, 0.0);
        }

        var next = new double[dim];
        var eigenvalue = 0.0;
        for (var iteration = 0; iteration < 200; iteration++)
        {
            Array.Clear(next);
            for (var r = 0; r < data.Rows; r++)
            {
                var row = data.Row(r);
                var projection = 0.0;
                for (var f = 0; f < dim; f++)
                {
                    projection += (row[f] - mean[f]) * v[f];
                }

                for (var f = 0; f < dim; f++)
                {
                    next[f] += projection * (row[f] - mean[f]);
                }
            }

            for (var f = 0; f < dim; f++)
            {
                next[f] /= data.Rows;
            }

            Orthogonalize(next, deflate);
            eigenvalue = 0.0;
            for (var f = 0; f < dim; f++)
            {
                eigenvalue += next[f] * v[f];
            }

            if (!Normalize(next))
            {
                return (v, 0.0);
            }

            var change = 0.0;
            for (var f = 0; f < dim; f++)
            {
                change = Math.Max(change, Math.Abs(next[f] - v[f]));
            }

            (v, next) = (next, v);
            if (change < 1e-10)
            {
                break;
            }
        }

        return (v, eigenvalue);
    }

    private static void Orthogonalize(double[] v, double[]? against)
    {
        if (against is null)
        {
            return;
        }

        var dot = 0.0;
        for (var f = 0; f < v.Length; f++)
        {
            dot += v[f] * against[f];
        }

        for (var f = 0; f < v.Length; f++)
        {
            v[f] -= dot * against[f];
        }
    }

    private static bool Normalize(double[] v)
    {
        var norm = 0.0;
        foreach (var x in v)
        {
            norm += x * x;
        }

        norm = Math.Sqrt(norm);
        if (norm < 1e-300)
        {
            return false;
        }

        for (var f = 0; f < v.Length; f++)
        {
            v[f] /= norm;
        }

        return true;
    }

    /// <summary>A copy of a codebook given as width·height·dim finite weights, node-major.</summary>
    /// <exception cref="ArgumentException">The wrong length, or a NaN or infinite weight.</exception>
    public static float[] Given(ReadOnlySpan<float> codebook, int width, int height, int dim)
    {
        var expected = (long)width * height * dim;
        if (codebook.Length != expected)
        {
            throw new ArgumentException(
                $"The initial codebook has {codebook.Length} weights; a {width}×{height} map of {dim} features needs {expected} ({width * height} nodes × {dim}).");
        }

        for (var i = 0; i < codebook.Length; i++)
        {
            if (!float.IsFinite(codebook[i]))
            {
                throw new ArgumentException($"The initial codebook's weight {i % dim} of node {i / dim} is {codebook[i]}; weights must be finite.");
            }
        }

        return codebook.ToArray();
    }

    /// <summary>Checks that a map can start a training with these options on this data: the same grid
    /// (width, height, topology, toroidal) and the same features (count, and names when both sides name
    /// them).</summary>
    /// <exception cref="SomOptionsException">The grids differ; every difference is named.</exception>
    /// <exception cref="ArgumentException">The features differ.</exception>
    public static void CheckSameMap(SomModel model, SomOptions options, DataSource data)
    {
        var grid = model.Grid;
        var differences = new List<string>();
        if (grid.Width != options.Width || grid.Height != options.Height)
        {
            differences.Add($"the map is {grid.Width}×{grid.Height}, the options {options.Width}×{options.Height}");
        }

        if (grid.Topology != options.Topology)
        {
            differences.Add($"the map is {OptionText.ToText(grid.Topology)}, the options {OptionText.ToText(options.Topology)}");
        }

        if (grid.Toroidal != options.Toroidal)
        {
            differences.Add(grid.Toroidal ? "the map is toroidal, the options flat" : "the map is flat, the options toroidal");
        }

        if (differences.Count > 0)
        {
            throw new SomOptionsException(nameof(SomOptions.Width), $"The starting map's grid differs from the training's: {string.Join("; ", differences)}.");
        }

        if (data.Columns != model.Dimension)
        {
            throw new ArgumentException($"The starting map has {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); the data has {data.Columns} ({string.Join(", ", data.ColumnNames)}).");
        }

        if (!DataMatrix.AreDefaultNames(model.FeatureNames) && !DataMatrix.AreDefaultNames(data.ColumnNames)
            && !model.FeatureNames.SequenceEqual(data.ColumnNames, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The starting map's features are {string.Join(", ", model.FeatureNames)}; the data's columns are {string.Join(", ", data.ColumnNames)} (the same names in the same order are needed).");
        }
    }

    /// <summary>The map's codebook in the units of a new scaler: unscaled by the map's scaler, scaled by
    /// <paramref name="scaler"/>; copied as it is when the two scalers are the same.</summary>
    public static float[] CarriedOver(SomModel start, FeatureScaler? scaler)
    {
        var codebook = start.Codebook.ToArray();
        if (SameScaler(start.Scaler, scaler))
        {
            return codebook;
        }

        var dim = start.Dimension;
        for (var node = 0; node < start.Grid.NodeCount; node++)
        {
            var weights = codebook.AsSpan(node * dim, dim);
            start.Scaler?.InverseTransform(weights, weights);
            scaler?.Transform(weights, weights);
        }

        return codebook;
    }

    private static bool SameScaler(FeatureScaler? a, FeatureScaler? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Kind == b.Kind && a.Offset.SequenceEqual(b.Offset) && a.Factor.SequenceEqual(b.Factor);
}
