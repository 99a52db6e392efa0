using Kohonen.Kernels;

namespace Kohonen;

// SomModel: distances from inputs to every node.
public sealed partial class SomModel
{
    /// <summary>
    /// The Euclidean distance from one input to every node: <c>result[i] = ‖s(input) − wᵢ‖</c> for node
    /// i = y·Width + x, with s the model's scaler (so in the space the map was trained in, the units of
    /// <see cref="Bmu.Distance"/>). The least of them is the BMU's distance, and its lowest index the
    /// BMU's (scikit-learn's <c>transform</c>, MiniSom's <c>activate</c>). A map trained with another
    /// <see cref="Distance"/> gives its distances instead, as its BMU search measures them. An input with
    /// missing values (NaN) is measured over its present features, the squared distance scaled by
    /// total/present features (Euclidean maps only).
    /// </summary>
    /// <param name="input"><see cref="Dimension"/> finite values, in the model's feature order and the
    /// data's own units.</param>
    /// <returns>One distance per node, <see cref="Grid"/>.NodeCount of them.</returns>
    /// <exception cref="ArgumentException">A wrong length or a NaN or infinite value.</exception>
    public float[] Transform(ReadOnlySpan<float> input)
    {
        var result = new float[Grid.NodeCount];
        Transform(input, result);
        return result;
    }

    /// <summary><see cref="Transform(ReadOnlySpan{float})"/> into a buffer of the caller's.</summary>
    /// <param name="input"><see cref="Dimension"/> finite values.</param>
    /// <param name="destination">At least <see cref="Grid"/>.NodeCount floats; the first NodeCount are
    /// written.</param>
    /// <exception cref="ArgumentException">A wrong length, a NaN or infinite value, or a destination too
    /// short.</exception>
    public void Transform(ReadOnlySpan<float> input, Span<float> destination)
    {
        CheckInput(input, "The input");
        if (destination.Length < Grid.NodeCount)
        {
            throw new ArgumentException($"The destination holds {destination.Length} distances; the map has {Grid.NodeCount} nodes.", nameof(destination));
        }

        Span<float> scaled = Dimension <= 1024 ? stackalloc float[Dimension] : new float[Dimension];
        scoped ReadOnlySpan<float> vector = input;
        if (Scaler is not null)
        {
            Scaler.Transform(input, scaled);
            vector = scaled;
        }

        CheckMeasurable(input, vector, "The input");
        DistancesTo(vector, destination);
    }

    /// <summary><see cref="Transform(ReadOnlySpan{float})"/> of an input given as doubles (each rounded
    /// to the nearest float).</summary>
    /// <param name="input"><see cref="Dimension"/> finite values within the range of float.</param>
    /// <exception cref="ArgumentException">A wrong length, or a NaN, infinite or too large value.</exception>
    public float[] Transform(ReadOnlySpan<double> input)
    {
        Span<float> single = input.Length <= 1024 ? stackalloc float[input.Length] : new float[input.Length];
        ToSingle(input, single, "The input");
        return Transform(single);
    }

    /// <summary>
    /// <see cref="Transform(ReadOnlySpan{float})"/> of every row: a matrix of
    /// <c>data.Rows</c> rows × <see cref="Grid"/>.NodeCount columns, column i the distance to node i
    /// (named <c>node_x_y</c>). The columns of <paramref name="data"/> are matched to the features as
    /// <see cref="FindBmus(DataMatrix, int?)"/> matches them. Rows are computed in parallel; each
    /// distance is the same whatever the number of threads.
    /// </summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <param name="maxThreads">The most threads to use; default all cores.</param>
    /// <exception cref="ArgumentException">The data does not fit the map (see
    /// <see cref="FindBmus(DataMatrix, int?)"/>), is empty, or holds a NaN or infinite value.</exception>
    public DataMatrix Transform(DataMatrix data, int? maxThreads = null)
    {
        var scaled = PrepareInput(data);
        var nodes = Grid.NodeCount;
        var result = new float[(long)scaled.Rows * nodes];
        const int RowsPerTask = 64;
        Parallel.For(0, (scaled.Rows + RowsPerTask - 1) / RowsPerTask, new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? Environment.ProcessorCount }, c =>
        {
            var end = Math.Min(scaled.Rows, (c + 1) * RowsPerTask);
            for (var r = c * RowsPerTask; r < end; r++)
            {
                DistancesTo(scaled.Row(r), result.AsSpan(r * nodes, nodes));
            }
        });
        string[] names = [.. Enumerable.Range(0, nodes).Select(i => $"node_{i % Width}_{i / Width}")];
        return DataMatrix.Wrap(result, scaled.Rows, nodes, names);
    }

    /// <summary>The distance from a vector in the training space to every node, as the node-by-node
    /// BMU search measures them.</summary>
    private void DistancesTo(ReadOnlySpan<float> vector, Span<float> destination)
    {
        if (OtherSearch is { } other)
        {
            RefuseMissingValues(vector);
            other.DistancesTo(vector, destination);
            return;
        }

        var codebook = _codebook.AsSpan();
        if (MissingValues.HasAny(vector))
        {
            // Over the present features, scaled by total/present.
            var negated = new float[Dimension];
            var mask = new float[Dimension];
            var present = MaskedDistance.Prepare(vector, negated, mask);
            for (var node = 0; node < Grid.NodeCount; node++)
            {
                destination[node] = MathF.Sqrt(MaskedDistance.Scale(MaskedDistance.Compute(codebook.Slice(node * Dimension, Dimension), negated, mask), Dimension, present));
            }

            return;
        }

        for (var node = 0; node < Grid.NodeCount; node++)
        {
            destination[node] = MathF.Sqrt(SquaredDistance.Compute(codebook.Slice(node * Dimension, Dimension), vector));
        }
    }
}
