namespace Kohonen.Tests.Analysis;

/// <summary>k-means, grid-restricted Ward and Davies–Bouldin on hand-worked cases and against plain
/// exhaustive or naive references.</summary>
public class CodebookClusteringTests
{
    private static double[] Ones(int n) => [.. Enumerable.Repeat(1.0, n)];

    [Fact]
    public void KMeansSplitsTwoSeparatedGroupsOnALine()
    {
        var assignment = CodebookClustering.KMeans([0f, 1f, 2f, 10f, 11f, 12f], 1, Ones(6), 2, seed: 3);

        Assert.Equal(assignment[0], assignment[1]);
        Assert.Equal(assignment[0], assignment[2]);
        Assert.Equal(assignment[3], assignment[4]);
        Assert.Equal(assignment[3], assignment[5]);
        Assert.NotEqual(assignment[0], assignment[3]);
    }

    [Fact]
    public void KMeansFindsTheBestPartitionThatAnExhaustiveSearchFinds()
    {
        // Nine weighted 2-D points in three loose groups; every one of the 3^9 labellings is scored by
        // its weighted sum of squares and the best compared with k-means' answer.
        var random = new Random(7);
        var points = new float[18];
        var weights = new double[9];
        for (var i = 0; i < 9; i++)
        {
            points[2 * i] = (float)((i / 3 * 4) + random.NextDouble() * 2);
            points[(2 * i) + 1] = (float)((i % 2 * 3) + random.NextDouble() * 2);
            weights[i] = 1 + random.Next(5);
        }

        var best = double.PositiveInfinity;
        int[]? bestLabels = null;
        var labels = new int[9];
        for (var code = 0; code < 19683; code++)
        {
            var c = code;
            for (var i = 0; i < 9; i++)
            {
                labels[i] = c % 3;
                c /= 3;
            }

            var cost = WeightedSumOfSquares(points, weights, labels, 3);
            if (cost < best - 1e-9)
            {
                best = cost;
                bestLabels = [.. labels];
            }
        }

        var kmeans = CodebookClustering.KMeans(points, 2, weights, 3, seed: 1);

        Assert.Equal(best, WeightedSumOfSquares(points, weights, kmeans, 3), 6);
        Assert.Equal(1.0, ClassificationReport.AdjustedRandIndex(bestLabels!, kmeans), 9);
    }

    [Fact]
    public void KMeansGivesTheSameAnswerForTheSameSeed()
    {
        var random = new Random(11);
        var points = Enumerable.Range(0, 200).Select(_ => (float)random.NextDouble()).ToArray();

        Assert.Equal(CodebookClustering.KMeans(points, 2, Ones(100), 5, 42), CodebookClustering.KMeans(points, 2, Ones(100), 5, 42));
    }

    [Fact]
    public void WardMergesTheCheapestNeighboursFirstAndBreaksTiesByTheLowerPair()
    {
        // Values 0, 1, 5, 6 on a 4×1 line. Costs: (0,1) ½·1 = 0.5, (1,2) ½·16 = 8, (2,3) 0.5: a tie, so
        // (0,1) merges first; then (2,3) at 0.5 beats {0,1}–2 at 2·1/3·4.5² = 13.5.
        var grid = new Grid(4, 1);
        var three = CodebookClustering.Ward([0f, 1f, 5f, 6f], 1, Ones(4), grid, 3);
        var two = CodebookClustering.Ward([0f, 1f, 5f, 6f], 1, Ones(4), grid, 2);

        Assert.Equal(new NodeSegments(grid, [0, 0, 1, 2], SegmentMethod.Ward).Segments.ToArray(), new NodeSegments(grid, three, SegmentMethod.Ward).Segments.ToArray());
        Assert.Equal(new NodeSegments(grid, [0, 0, 1, 1], SegmentMethod.Ward).Segments.ToArray(), new NodeSegments(grid, two, SegmentMethod.Ward).Segments.ToArray());
    }

    [Fact]
    public void WardOnlyMergesClustersThatTouchOnTheGrid()
    {
        // Values 0, 10, 0.1: nodes 0 and 2 are nearly equal but not neighbours. (0,1) costs ½·100 = 50,
        // (1,2) ½·9.9² = 49.005: nodes 1 and 2 merge.
        var grid = new Grid(3, 1);
        var two = new NodeSegments(grid, CodebookClustering.Ward([0f, 10f, 0.1f], 1, Ones(3), grid, 2), SegmentMethod.Ward);

        Assert.Equal([0, 1, 1], two.Segments.ToArray());
    }

    [Fact]
    public void WardWeighsNodesByTheirHits()
    {
        // Values 0, 1, 2. Equal weights: (0,1) and (1,2) both cost ½·1 = 0.5, the tie goes to (0,1).
        // Weights 100, 1, 1: (0,1) costs 100/101 ≈ 0.99, (1,2) still 0.5, so nodes 1 and 2 merge.
        var grid = new Grid(3, 1);
        var equal = new NodeSegments(grid, CodebookClustering.Ward([0f, 1f, 2f], 1, Ones(3), grid, 2), SegmentMethod.Ward);
        var heavyStart = new NodeSegments(grid, CodebookClustering.Ward([0f, 1f, 2f], 1, [100, 1, 1], grid, 2), SegmentMethod.Ward);

        Assert.Equal([0, 0, 1], equal.Segments.ToArray());
        Assert.Equal([0, 1, 1], heavyStart.Segments.ToArray());
    }

    [Theory]
    [InlineData(Topology.Rectangular, 5, 4, 3)]
    [InlineData(Topology.Hexagonal, 4, 4, 5)]
    public void WardMatchesANaiveAgglomeration(Topology topology, int width, int height, int k)
    {
        var grid = new Grid(width, height, topology);
        var random = new Random(5);
        var n = grid.NodeCount;
        var points = Enumerable.Range(0, n * 2).Select(_ => (float)random.NextDouble()).ToArray();
        var weights = Enumerable.Range(0, n).Select(_ => 1 + random.NextDouble()).ToArray();

        var expected = NaiveWard(points, 2, weights, grid, k);
        var actual = CodebookClustering.Ward(points, 2, weights, grid, k);

        Assert.Equal(new NodeSegments(grid, expected, SegmentMethod.Ward).Segments.ToArray(), new NodeSegments(grid, actual, SegmentMethod.Ward).Segments.ToArray());
    }

    [Fact]
    public void DaviesBouldinOfTwoPairsIsTheirSpreadOverTheirDistance()
    {
        // Clusters {0, 2} and {10, 12}: centres 1 and 11, mean distance to the centre 1 each, centres
        // 10 apart: (1 + 1)/10 = 0.2.
        Assert.Equal(0.2, CodebookClustering.DaviesBouldin([0f, 2f, 10f, 12f], 1, Ones(4), [0, 0, 1, 1]), 12);
    }

    [Fact]
    public void AdjustedRandIndexOfAHandWorkedPairIsZero()
    {
        // Contingency (0,0)=2, (1,0)=1, (1,1)=1: index 1; rows 1+1 = 2; columns 3+0 = 3; expected
        // 2·3/6 = 1; max 2.5: (1 − 1)/(2.5 − 1) = 0.
        Assert.Equal(0.0, ClassificationReport.AdjustedRandIndex([0, 0, 1, 1], [0, 0, 0, 1]), 12);
        Assert.Equal(1.0, ClassificationReport.AdjustedRandIndex([0, 0, 1, 2], [5, 5, 7, 3]), 12);
    }

    [Fact]
    public void SegmentsOfAMapWithTwoGroupsFollowTheGroups()
    {
        var model = SomModel.Create(new Grid(4, 1), [0f, 0.1f, 5f, 5.1f], 1);

        foreach (var method in new[] { SegmentMethod.KMeans, SegmentMethod.Ward })
        {
            var segments = CodebookClustering.Segment(model, 2, method);
            Assert.Equal([0, 0, 1, 1], segments.Segments.ToArray());
            Assert.Equal(2, segments.Count);
        }
    }

    private static double WeightedSumOfSquares(float[] points, double[] weights, int[] labels, int k)
    {
        var cost = 0.0;
        for (var c = 0; c < k; c++)
        {
            double mass = 0, x = 0, y = 0;
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] == c)
                {
                    mass += weights[i];
                    x += weights[i] * points[2 * i];
                    y += weights[i] * points[(2 * i) + 1];
                }
            }

            if (mass == 0)
            {
                continue;
            }

            x /= mass;
            y /= mass;
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] == c)
                {
                    cost += weights[i] * (Math.Pow(points[2 * i] - x, 2) + Math.Pow(points[(2 * i) + 1] - y, 2));
                }
            }
        }

        return cost;
    }

    /// <summary>Ward from the definition: clusters as member lists, every pair that has two members
    /// that are grid neighbours scored from scratch, the least merged (ties to the pair of lowest
    /// members).</summary>
    private static int[] NaiveWard(float[] points, int dim, double[] weights, Grid grid, int k)
    {
        var clusters = Enumerable.Range(0, grid.NodeCount).Select(i => new List<int> { i }).ToList();
        while (clusters.Count > k)
        {
            var best = double.PositiveInfinity;
            (int, int) pick = (-1, -1);
            for (var a = 0; a < clusters.Count; a++)
            {
                for (var b = a + 1; b < clusters.Count; b++)
                {
                    if (!clusters[a].Any(i => clusters[b].Any(j => grid.AreNeighbors(i, j))))
                    {
                        continue;
                    }

                    var (wa, ca) = Centre(clusters[a]);
                    var (wb, cb) = Centre(clusters[b]);
                    var d2 = ca.Zip(cb, (p, q) => (p - q) * (p - q)).Sum();
                    var cost = wa * wb / (wa + wb) * d2;
                    if (cost < best)
                    {
                        best = cost;
                        pick = (a, b);
                    }
                }
            }

            clusters[pick.Item1].AddRange(clusters[pick.Item2]);
            clusters.RemoveAt(pick.Item2);
        }

        var result = new int[grid.NodeCount];
        for (var c = 0; c < clusters.Count; c++)
        {
            foreach (var i in clusters[c])
            {
                result[i] = c;
            }
        }

        return result;

        (double Weight, double[] Centre) Centre(List<int> members)
        {
            var w = members.Sum(i => weights[i]);
            var c = new double[dim];
            foreach (var i in members)
            {
                for (var d = 0; d < dim; d++)
                {
                    c[d] += weights[i] * points[(i * dim) + d] / w;
                }
            }

            return (w, c);
        }
    }
}
