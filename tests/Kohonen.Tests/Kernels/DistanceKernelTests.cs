using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The Manhattan and cosine searches against plain references written here: every vector
/// width and the scalar twin, the blocked search for cosine, one thread and several.</summary>
public class DistanceKernelTests
{
    public static TheoryData<int, int> NodeCountsAndDimensions()
    {
        var cases = new TheoryData<int, int>();
        foreach (var nodes in new[] { 1, 2, 3, 15, 16, 17, 63, 64, 65, 100, 257 })
        {
            foreach (var dim in new[] { 1, 3, 7, 8, 9, 16, 33 })
            {
                cases.Add(nodes, dim);
            }
        }

        return cases;
    }

    /// <summary>The plain Manhattan distance: |w − x| added feature by feature, left to right.</summary>
    private static float Manhattan(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        var sum = 0f;
        for (var f = 0; f < x.Length; f++)
        {
            sum += Math.Abs(w[f] - x[f]);
        }

        return sum;
    }

    /// <summary>The first node at the least plain Manhattan distance, and the second best.</summary>
    private static (int Best, float Distance, int Second) ManhattanBestTwo(float[] codebook, int dim, float[] x)
    {
        int best = -1, second = -1;
        float d1 = float.PositiveInfinity, d2 = float.PositiveInfinity;
        for (var k = 0; k < codebook.Length / dim; k++)
        {
            var d = Manhattan(codebook.AsSpan(k * dim, dim), x);
            if (d < d1)
            {
                (second, d2, best, d1) = (best, d1, k, d);
            }
            else if (d < d2)
            {
                (second, d2) = (k, d);
            }
        }

        return (best, d1, second);
    }

    private static float[] Lattice(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => random.Next(-2, 3) * 0.5f)];

    [Theory]
    [MemberData(nameof(NodeCountsAndDimensions))]
    public void ManhattanDistancesAreThePlainSumsBitForBitAtEveryWidth(int nodes, int dim)
    {
        var random = new Random((nodes * 131) + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();
        var planes = CodebookLayout.ToPlanes(codebook, dim);
        var input = Enumerable.Range(0, dim).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();
        var expected = Enumerable.Range(0, nodes).Select(k => Manhattan(codebook.AsSpan(k * dim, dim), input)).ToArray();

        foreach (var start in new[] { 0, nodes / 3 })
        {
            var count = nodes - start;
            var at512 = new float[count];
            var at256 = new float[count];
            var at128 = new float[count];
            var scalar = new float[count];
            var chosen = new float[count];
            ManhattanDistance.ToNodesAt<Vector512<float>, Bits512>(planes, nodes, input, start, at512);
            ManhattanDistance.ToNodesAt<Vector256<float>, Bits256>(planes, nodes, input, start, at256);
            ManhattanDistance.ToNodesAt<Vector128<float>, Bits128>(planes, nodes, input, start, at128);
            ManhattanDistance.ToNodesScalar(planes, nodes, input, start, scalar);
            ManhattanDistance.ToNodes(planes, nodes, input, start, chosen);

            var want = expected[start..];
            Assert.Equal(want, at512);
            Assert.Equal(want, at256);
            Assert.Equal(want, at128);
            Assert.Equal(want, scalar);
            Assert.Equal(want, chosen);
            Assert.Equal(want, Enumerable.Range(start, count).Select(k => ManhattanDistance.Scalar(codebook.AsSpan(k * dim, dim), input)).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(NodeCountsAndDimensions))]
    public void ManhattanSearchFindsTheFirstNearestNodeAndTheSecond(int nodes, int dim)
    {
        var random = new Random((nodes * 7) + dim);
        // A coarse lattice: exact ties between nodes are common, and the lowest index must win them.
        var codebook = Lattice(random, nodes * dim);
        var planes = CodebookLayout.ToPlanes(codebook, dim);
        var search = new DistanceSearch(codebook, dim, DistanceMetric.Manhattan);
        for (var trial = 0; trial < 10; trial++)
        {
            var input = Lattice(random, dim);
            var (best, distance, second) = ManhattanBestTwo(codebook, dim, input);

            Assert.Equal((best, distance), (ManhattanDistance.FindBest(planes, nodes, input, 0, nodes, out var d), d));
            Assert.Equal((best, distance), (search.FindBest(input, 1, out var d1), d1));
            Assert.Equal((best, distance), (search.FindBest(input, 4, out var d4), d4));
            Assert.Equal((best, distance, second), (ManhattanDistance.FindBestTwo(planes, nodes, input) is var two ? (two.Best, two.BestDistance, two.Second) : default));
        }
    }

    [Fact]
    public void ManhattanSearchGivesTheSameNodeOnOneThreadAndOnSeveral()
    {
        // Enough nodes to be searched in parallel chunks, with the best tied across two chunks.
        const int Dim = 32;
        var nodes = (2 * BmuSearch.ChunkNodes) + 5;
        var random = new Random(5);
        var codebook = Lattice(random, nodes * Dim);
        var input = Lattice(random, Dim);
        input.AsSpan().CopyTo(codebook.AsSpan((BmuSearch.ChunkNodes + 3) * Dim, Dim));
        input.AsSpan().CopyTo(codebook.AsSpan(((2 * BmuSearch.ChunkNodes) + 1) * Dim, Dim));
        var planes = CodebookLayout.ToPlanes(codebook, Dim);

        var one = ManhattanDistance.FindBest(planes, nodes, input, 1, out var d1);
        var two = ManhattanDistance.FindBest(planes, nodes, input, 2, out var d2);
        var eight = ManhattanDistance.FindBest(planes, nodes, input, 8, out var d8);

        Assert.Equal((BmuSearch.ChunkNodes + 3, 0f), (one, d1));
        Assert.Equal((one, d1), (two, d2));
        Assert.Equal((one, d1), (eight, d8));
    }

    /// <summary>The plain normalisation: ‖v‖² summed in double, each feature times 1/‖v‖, rounded once.</summary>
    private static float[] Unit(ReadOnlySpan<float> v)
    {
        var squares = 0.0;
        foreach (var x in v)
        {
            squares += (double)x * x;
        }

        var unit = new float[v.Length];
        for (var f = 0; f < v.Length && squares > 0; f++)
        {
            unit[f] = (float)(v[f] * (1.0 / Math.Sqrt(squares)));
        }

        return unit;
    }

    /// <summary>1 − cos θ in double precision.</summary>
    private static double CosineDistance(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        double dot = 0, ww = 0, xx = 0;
        for (var f = 0; f < x.Length; f++)
        {
            dot += (double)w[f] * x[f];
            ww += (double)w[f] * w[f];
            xx += (double)x[f] * x[f];
        }

        return 1 - (dot / Math.Sqrt(ww * xx));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 8)]
    [InlineData(64, 5)]
    [InlineData(300, 8)]
    [InlineData(300, 16)]
    [InlineData(1000, 64)]
    public void CosineUnitVectorsAreThePlainOnesInEveryLayout(int nodes, int dim)
    {
        var random = new Random(nodes + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
        codebook.AsSpan(0, dim).Clear(); // a node of zeros stays zeros
        var expected = Enumerable.Range(0, nodes).SelectMany(k => Unit(codebook.AsSpan(k * dim, dim))).ToArray();

        var nodeMajor = new float[codebook.Length];
        var zero = new bool[nodes];
        CosineNormal.NormalizeEach(codebook, dim, nodeMajor, zero);
        var planar = new float[codebook.Length];
        CosineNormal.NormalizePlanes(CodebookLayout.ToPlanes(codebook, dim), nodes, dim, planar, new double[nodes]);

        Assert.Equal(expected, nodeMajor);
        Assert.Equal(CodebookLayout.ToPlanes(expected, dim), planar);
        Assert.True(zero[0]);
        Assert.DoesNotContain(true, zero.Skip(1));
    }

    [Theory]
    [InlineData(50, 3, 10)]
    [InlineData(300, 8, 256)]
    [InlineData(400, 16, 256)]
    [InlineData(600, 64, 100)]
    [InlineData(37, 33, 17)]
    public void CosineSearchFindsTheNearestDirectionOnEveryPath(int nodes, int dim, int rows)
    {
        var random = new Random((nodes * 3) + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var data = Enumerable.Range(0, rows * dim).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        // Node 5 twice as long as node 1: the same direction, so node 1 wins their tie; a row along it.
        for (var f = 0; f < dim; f++)
        {
            codebook[(5 * dim) + f] = 2 * codebook[dim + f];
            data[f] = 3 * codebook[dim + f];
        }

        data.AsSpan(dim, dim).Clear(); // row 1 is all zeros: node 0 at ½
        var search = new DistanceSearch(codebook, dim, DistanceMetric.Cosine);
        var best = new int[rows];
        var distance = new float[rows];
        search.FindBest(data, best, distance);
        var best2 = new int[rows];
        var second = new int[rows];
        var distance2 = new float[rows];
        search.FindBestTwo(data, best2, second, distance2);

        var unitCodebook = Enumerable.Range(0, nodes).SelectMany(k => Unit(codebook.AsSpan(k * dim, dim))).ToArray();
        for (var r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * dim, dim).ToArray();
            if (r == 1)
            {
                Assert.Equal((0, 0.5f, 0, 1), (best[r], distance[r], best2[r], second[r]));
                continue;
            }

            // The Euclidean node-by-node scan of the unit row among the unit nodes (exact ties to the lowest).
            var scan = BmuSearch.FindBestTwo(unitCodebook, dim, Unit(row));
            Assert.Equal(scan.Best, best[r]);
            Assert.Equal(0.5f * scan.BestD2, distance[r]);
            Assert.Equal((scan.Best, scan.Second, 0.5f * scan.BestD2), (best2[r], second[r], distance2[r]));
            Assert.Equal(scan.Best, search.FindBest(row, 1, out var one));
            Assert.Equal(distance[r], one);
            Assert.Equal(scan.Best, search.FindBest(row, 4, out _));

            // And 1 − cos θ itself: the node found is the nearest direction, its distance 1 − cos θ.
            var cosines = Enumerable.Range(0, nodes).Select(k => CosineDistance(codebook.AsSpan(k * dim, dim), row)).ToArray();
            Assert.Equal(cosines.Min(), cosines[best[r]], tolerance: 1e-6);
            Assert.Equal(cosines[best[r]], distance[r], tolerance: 1e-5);
        }

        Assert.Equal(1, best[0]);
        Assert.Equal(0.0, distance[0], tolerance: 1e-6);
    }

    public static TheoryData<int, int, int, int> CosineWidthCases()
    {
        var cases = new TheoryData<int, int, int, int>();
        foreach (var lanes in new[] { 16, 8 })
        {
            cases.Add(50, 3, 40, lanes);
            cases.Add(257, 7, 64, lanes);
            cases.Add(300, 8, 256, lanes);
            cases.Add(400, 16, 100, lanes);
            cases.Add(600, 64, 70, lanes);
            cases.Add(37, 33, 17, lanes);
            cases.Add(700, 300, 6, lanes);
        }

        return cases;
    }

    /// <summary>
    /// The cosine search at each vector width (512 bits: 16 lanes, 256 bits: 8) through the searches it
    /// runs on unit vectors: the blocked search (many rows, from 8 features) and the bounded blocks
    /// (one row, below 8), against the plainest answer: the first node of greatest cos θ, each in double
    /// precision from the raw vectors, and ½‖x̂ − ŵ‖² of the test's own unit vectors. Both widths give
    /// the same nodes and distances as the search the machine picks.
    /// </summary>
    [Theory]
    [MemberData(nameof(CosineWidthCases))]
    public void CosineSearchAtEachWidthFindsThePlainNearestDirection(int nodes, int dim, int rows, int lanes)
    {
        Assert.SkipUnless(VectorWidths.Runs(lanes), $"this machine does not run {lanes * 32}-bit vectors natively");
        var random = new Random((nodes * 5) + dim);
        var codebook = Enumerable.Range(0, nodes * dim).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var data = Enumerable.Range(0, rows * dim).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        // Node 5 is node 1 times 4 (the same unit vector: node 1 wins the exact tie), row 0 lies along
        // them, row 1 along node 3 times −2 (its opposite: the farthest node), and row 2 is node 2 halved.
        for (var f = 0; f < dim; f++)
        {
            codebook[(5 * dim) + f] = 4 * codebook[dim + f];
            data[f] = 3 * codebook[dim + f];
            data[dim + f] = -2 * codebook[(3 * dim) + f];
            data[(2 * dim) + f] = 0.5f * codebook[(2 * dim) + f];
        }

        var unitCodebook = Enumerable.Range(0, nodes).SelectMany(k => Unit(codebook.AsSpan(k * dim, dim))).ToArray();
        var unitRows = Enumerable.Range(0, rows).SelectMany(r => Unit(data.AsSpan(r * dim, dim))).ToArray();
        var best = new int[rows];
        var best2 = new int[rows];
        var second = new int[rows];
        var distance = new float[rows];
        if (dim >= BmuSearch.PlanarBelowDimension)
        {
            var prepared = new BlockedBmuSearch.Prepared(unitCodebook, dim, wide: lanes == 16);
            BlockedBmuSearch.FindBest(prepared, unitRows, best);
            BlockedBmuSearch.FindBestTwo(prepared, unitRows, best2, second, distance);
        }
        else
        {
            var blocks = new BoundedBlocks(unitCodebook, dim, lanes);
            for (var r = 0; r < rows; r++)
            {
                var row = unitRows.AsSpan(r * dim, dim);
                best[r] = blocks.FindBest(row, out _);
                (best2[r], distance[r], second[r]) = blocks.FindBestTwo(row);
            }
        }

        var search = new DistanceSearch(codebook, dim, DistanceMetric.Cosine);
        var chosen = new int[rows];
        var chosenSecond = new int[rows];
        var chosenDistance = new float[rows];
        search.FindBestTwo(data, chosen, chosenSecond, chosenDistance);
        for (var r = 0; r < rows; r++)
        {
            var row = data[(r * dim)..((r + 1) * dim)];
            var cosines = Enumerable.Range(0, nodes).Select(k => CosineDistance(codebook.AsSpan(k * dim, dim), row)).ToArray();
            var plainBest = Array.IndexOf(cosines, cosines.Min());
            var plainSecond = Enumerable.Range(0, nodes).Where(k => k != plainBest).OrderBy(k => cosines[k]).ThenBy(k => k).FirstOrDefault(-1);
            var unitDistance = 0.0;
            for (var f = 0; f < dim; f++)
            {
                var diff = (double)unitRows[(r * dim) + f] - unitCodebook[(plainBest * dim) + f];
                unitDistance += diff * diff;
            }

            Assert.Equal(plainBest, best[r]);
            Assert.Equal((plainBest, plainSecond), (best2[r], second[r]));
            Assert.Equal(0.5 * unitDistance, 0.5 * distance[r], tolerance: 1e-6);
            Assert.Equal((best2[r], second[r], 0.5f * distance[r]), (chosen[r], chosenSecond[r], chosenDistance[r]));
        }

        Assert.Equal((1, 5), (best2[0], second[0]));
        Assert.Equal(0.0, 0.5 * distance[0], tolerance: 1e-6);
        Assert.Equal(2, best[2]);
        Assert.Equal(2.0, CosineDistance(codebook.AsSpan(3 * dim, dim), data.AsSpan(dim, dim)), tolerance: 1e-6);
    }

    [Fact]
    public void CosineRowsTakeTheBlockedSearchWhereThePlannerPicksIt()
    {
        Assert.Equal(SearchPlanner.ForFixedCodebook(16, 400, 256), SearchPlanner.ForDistance(DistanceMetric.Cosine, 16, 400, 256));
        Assert.Equal(SearchPlanner.ForFixedCodebook(3, 400, 1), SearchPlanner.ForDistance(DistanceMetric.Cosine, 3, 400, 1));
        foreach (var dim in new[] { 1, 7, 8, 64, 300 })
        {
            Assert.Equal(BmuSearchKind.Planar, SearchPlanner.ForDistance(DistanceMetric.Manhattan, dim, 400, 256));
            Assert.Equal(BmuSearchKind.Planar, SearchPlanner.ForChangingCodebookIn(DistanceMetric.Manhattan, dim));
            Assert.Equal(SearchPlanner.ForChangingCodebook(dim), SearchPlanner.ForChangingCodebookIn(DistanceMetric.Cosine, dim));
        }
    }
}
