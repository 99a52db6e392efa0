// The BMU search of online training in a distance other than Euclidean (the codebook moves after every row).
// Guarantees: the answers of DistanceSearch over the codebook as it stands: Manhattan across nodes on the
// planes the trainer keeps; cosine the Euclidean BMU of the unit row among the codebook normalised anew for
// each row, node-major or planar with the same floats (CosineNormal); ties to the lowest index, any threads.
// Held by: tests/Kohonen.Tests/Training/DistanceTrainingTests.cs (online training against a plain reference).
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*TrainerBenchmarks*'

using System.Diagnostics;

namespace Kohonen.Kernels;

/// <summary>
/// The BMU of one row against a codebook that changes between rows, in the Manhattan or cosine
/// distance: the Manhattan search needs the planar layout (<see cref="SearchPlanner.ForChangingCodebookIn"/>
/// gives it at every dimension); the cosine search normalises the codebook before each row into a
/// buffer of its own. One instance per training (it holds that buffer).
/// </summary>
internal sealed class ChangingDistanceSearch
{
    private readonly DistanceMetric _metric;
    private readonly int _dim;
    private readonly int _nodes;
    private readonly float[] _unitRow;
    private readonly float[] _unitCodebook;
    private readonly double[] _squares;

    public ChangingDistanceSearch(DistanceMetric metric, int dim, int nodes)
    {
        Debug.Assert(metric != DistanceMetric.Euclidean);
        _metric = metric;
        _dim = dim;
        _nodes = nodes;
        var cosine = metric == DistanceMetric.Cosine;
        _unitRow = cosine ? new float[dim] : [];
        _unitCodebook = cosine ? new float[(long)nodes * dim] : [];
        _squares = cosine ? new double[nodes] : [];
    }

    /// <summary>The BMU of <paramref name="sample"/>: over <paramref name="planes"/> when the trainer
    /// keeps them (always for Manhattan), else over the node-major <paramref name="codebook"/>.</summary>
    public int FindBest(float[] codebook, float[]? planes, ReadOnlySpan<float> sample, int maxThreads)
    {
        if (_metric == DistanceMetric.Manhattan)
        {
            return ManhattanDistance.FindBest(planes!, _nodes, sample, maxThreads, out _);
        }

        if (!CosineNormal.Normalize(sample, _unitRow))
        {
            return 0; // a row of zeros is ½ from every node
        }

        if (planes is not null)
        {
            CosineNormal.NormalizePlanes(planes, _nodes, _dim, _unitCodebook, _squares);
            return BmuSearch.FindBestPlanar(_unitCodebook, _nodes, _unitRow, maxThreads, out _);
        }

        CosineNormal.NormalizeEach(codebook, _dim, _unitCodebook);
        return BmuSearch.FindBest(_unitCodebook, _dim, _unitRow, maxThreads, out _);
    }
}
