namespace Kohonen.Kernels;

/// <summary>The BMU searches the <see cref="SearchPlanner"/> chooses among. Every one gives the
/// answer of the node-by-node scan: the node of least squared distance
/// (<see cref="SquaredDistance.Compute"/>), ties to the lowest index.</summary>
internal enum BmuSearchKind
{
    /// <summary>Node by node over the node-major codebook, SIMD across features
    /// (<see cref="BmuSearch.FindBest(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, out float)"/>).</summary>
    NodeByNode,

    /// <summary>Across nodes over a feature-major codebook, below
    /// <see cref="BmuSearch.PlanarBelowDimension"/> features (<see cref="BmuSearch.FindBestPlanar(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int, out float)"/>).</summary>
    Planar,

    /// <summary>Only the nodes of the blocks near the input, below
    /// <see cref="BmuSearch.PlanarBelowDimension"/> features, over a codebook that does not change
    /// (<see cref="BoundedBlocks"/>).</summary>
    BoundedBlocks,

    /// <summary>Many rows at once as a blocked matrix product, from
    /// <see cref="BmuSearch.PlanarBelowDimension"/> features, with 256- or 512-bit vectors
    /// (<see cref="BlockedBmuSearch"/>).</summary>
    Blocked,
}
