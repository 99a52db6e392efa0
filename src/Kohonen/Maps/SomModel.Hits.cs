namespace Kohonen;

public sealed partial class SomModel
{
    /// <summary>How many training rows each node won, when the map keeps them (null otherwise): kept
    /// by training that had the data at hand, saved in the model file.</summary>
    public GridValues<int>? Hits { get; private init; }

    /// <summary>This map with the hits of <paramref name="data"/>: how many rows each node wins, the
    /// rows matched to the features as <see cref="FindBmus"/> does.</summary>
    /// <exception cref="ArgumentException">The data does not fit the map.</exception>
    public SomModel WithHits(DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return WithHits(MapAnalysis.HitMap(this, data));
    }

    /// <summary>This map with the hits of every row <paramref name="data"/> gives (read once, chunk by
    /// chunk), matched to the features as <see cref="FindBmus"/> does.</summary>
    /// <exception cref="ArgumentException">The data does not fit the map.</exception>
    public SomModel WithHits(DataSource data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var hits = new int[Grid.NodeCount];
        foreach (var chunk in data.Chunks())
        {
            foreach (var bmu in FindBmus(chunk))
            {
                hits[bmu.Index]++;
            }
        }

        return WithHits(new GridValues<int>(Width, Height, hits));
    }

    /// <summary>This map with the given hits (null removes them).</summary>
    /// <exception cref="ArgumentException">They are not one count per node, or a count is negative.</exception>
    public SomModel WithHits(GridValues<int>? hits)
    {
        if (hits is not null)
        {
            if (hits.Width != Width || hits.Height != Height)
            {
                throw new ArgumentException($"The hits are for a {hits.Width}×{hits.Height} map; this map is {Width}×{Height}.", nameof(hits));
            }

            foreach (var count in hits)
            {
                if (count < 0)
                {
                    throw new ArgumentException("A node's hits cannot be negative.", nameof(hits));
                }
            }
        }

        return new(Grid, Dimension, _codebook, FeatureNames, Scaler, Options, History) { Labels = Labels, Targets = Targets, Segments = Segments, Hits = hits, Encoder = Encoder };
    }
}
