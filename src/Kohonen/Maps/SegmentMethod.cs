namespace Kohonen;

/// <summary>How a map's codebook is clustered into segments.</summary>
public enum SegmentMethod
{
    /// <summary>k-means with k-means++ seeding (seeded, ten starts, the lowest weighted sum of squares
    /// kept).</summary>
    [OptionName("kmeans")]
    KMeans,

    /// <summary>Ward's agglomerative clustering, merging only clusters that touch on the grid.</summary>
    [OptionName("ward")]
    Ward,
}
