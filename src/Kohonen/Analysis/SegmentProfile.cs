namespace Kohonen;

/// <summary>
/// What each segment of a map holds: how many rows fall in it (by their BMU's segment) and the mean of
/// every feature over them, in the data's own units, beside the mean and standard deviation over all
/// rows. Immutable.
/// </summary>
public sealed class SegmentProfile
{
    private readonly double[] _means;

    private SegmentProfile(IReadOnlyList<string> features, int[] sizes, double[] means, double[] overallMean, double[] overallSpread)
    {
        Features = features;
        Sizes = sizes;
        _means = means;
        OverallMean = overallMean;
        OverallSpread = overallSpread;
    }

    /// <summary>The feature names.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Rows per segment.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>The number of segments.</summary>
    public int Count => Sizes.Count;

    /// <summary>Each feature's mean over all rows.</summary>
    public IReadOnlyList<double> OverallMean { get; }

    /// <summary>Each feature's population standard deviation over all rows.</summary>
    public IReadOnlyList<double> OverallSpread { get; }

    /// <summary>The mean of a feature over a segment's rows that have it (a missing value is left out);
    /// NaN for a segment with no such row.</summary>
    /// <param name="segment">0..Count−1.</param>
    /// <param name="feature">0..Features.Count−1.</param>
    public double Mean(int segment, int feature) => _means[(segment * Features.Count) + feature];

    /// <summary>Places every row on the map and averages its features per segment (in double, in row
    /// order).</summary>
    /// <param name="model">A map that keeps segments.</param>
    /// <param name="data">The rows, matched to the features as <see cref="SomModel.FindBmus"/> does.</param>
    /// <exception cref="ArgumentException">The model keeps no segments, or the data does not fit.</exception>
    public static SegmentProfile Compute(SomModel model, DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(model);
        var segments = model.Segments ?? throw new ArgumentException("The model keeps no segments.", nameof(model));
        var matched = model.MatchColumns(data);
        var bmus = model.FindBmus(data);
        var dim = model.Dimension;
        var k = segments.Count;
        var sizes = new int[k];
        var sums = new double[k * dim];
        var present = new int[k * dim]; // per segment and feature, the rows that have the feature
        var total = new double[dim];
        var squares = new double[dim];
        for (var r = 0; r < bmus.Length; r++)
        {
            var s = segments.SegmentOf(bmus[r].Index);
            sizes[s]++;
            var row = matched.Row(r);
            for (var f = 0; f < dim; f++)
            {
                if (float.IsNaN(row[f]))
                {
                    continue; // a missing value
                }

                present[(s * dim) + f]++;
                sums[(s * dim) + f] += row[f];
                total[f] += row[f];
                squares[f] += (double)row[f] * row[f];
            }
        }

        var means = new double[k * dim];
        for (var s = 0; s < k; s++)
        {
            for (var f = 0; f < dim; f++)
            {
                var n = present[(s * dim) + f];
                means[(s * dim) + f] = n > 0 ? sums[(s * dim) + f] / n : double.NaN;
            }
        }

        var counts = Enumerable.Range(0, dim).Select(f => Enumerable.Range(0, k).Sum(s => present[(s * dim) + f])).ToArray();
        var overall = Enumerable.Range(0, dim).Select(f => counts[f] > 0 ? total[f] / counts[f] : double.NaN).ToArray();
        var spread = Enumerable.Range(0, dim).Select(f => counts[f] > 0 ? Math.Sqrt(Math.Max(0, (squares[f] / counts[f]) - (overall[f] * overall[f]))) : double.NaN).ToArray();
        return new SegmentProfile([.. model.FeatureNames], sizes, means, overall, spread);
    }
}
