namespace Kohonen;

/// <summary>
/// Clustering of a map's codebook into segments: k-means (k-means++ seeding) and Ward's hierarchical
/// clustering restricted to grid neighbours, each node weighted (by its hits when data are given), and
/// the Davies–Bouldin index to choose the number of segments.
/// </summary>
/// <remarks>
/// <para>Points are the codebook vectors in the scaled space the map was trained in. With data, a
/// node's weight is its hit count plus <see cref="EmptyNodeWeight"/>, so that nodes that won no row
/// still join a segment without pulling its centre; without data every node weighs 1.</para>
/// <para>Results are deterministic: the same inputs and seed give the same segments, numbered by their
/// lowest node index.</para>
/// </remarks>
public static class CodebookClustering
{
    /// <summary>The weight added to every node's hit count when clustering with data (0.01).</summary>
    public const double EmptyNodeWeight = 0.01;

    private const int KMeansStarts = 10;
    private const int KMeansMaxRounds = 300;

    /// <summary>Clusters the model's codebook into <paramref name="k"/> segments.</summary>
    /// <param name="model">The map.</param>
    /// <param name="k">The number of segments, 1..NodeCount.</param>
    /// <param name="method">k-means or Ward.</param>
    /// <param name="data">Rows whose hits weight the nodes, or null for equal weights.</param>
    /// <param name="seed">The seed of k-means++ (unused by Ward).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is outside 1..NodeCount.</exception>
    public static NodeSegments Segment(SomModel model, int k, SegmentMethod method, DataMatrix? data = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, model.Grid.NodeCount);
        var weights = NodeWeights(model, data);
        var assignment = method == SegmentMethod.Ward
            ? Ward(model.Codebook, model.Dimension, weights, model.Grid, k)
            : KMeans(model.Codebook, model.Dimension, weights, k, seed);
        return new NodeSegments(model.Grid, assignment, method);
    }

    /// <summary>The Davies–Bouldin index of the segments found for each k from
    /// <paramref name="minK"/> to <paramref name="maxK"/> (lower is better).</summary>
    /// <param name="model">The map.</param>
    /// <param name="minK">The smallest k, at least 2.</param>
    /// <param name="maxK">The largest k, at most NodeCount − 1.</param>
    /// <param name="method">k-means or Ward.</param>
    /// <param name="data">Rows whose hits weight the nodes, or null.</param>
    /// <param name="seed">The seed of k-means++.</param>
    /// <returns>One (k, index) per k, in order of k.</returns>
    public static IReadOnlyList<KeyValuePair<int, double>> DaviesBouldinCurve(SomModel model, int minK, int maxK, SegmentMethod method, DataMatrix? data = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(minK, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxK, model.Grid.NodeCount - 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxK, minK);
        var weights = NodeWeights(model, data);
        var result = new List<KeyValuePair<int, double>>();
        for (var k = minK; k <= maxK; k++)
        {
            var assignment = method == SegmentMethod.Ward
                ? Ward(model.Codebook, model.Dimension, weights, model.Grid, k)
                : KMeans(model.Codebook, model.Dimension, weights, k, seed);
            result.Add(new(k, DaviesBouldin(model.Codebook, model.Dimension, weights, assignment)));
        }

        return result;
    }

    /// <summary>
    /// Weighted k-means: k-means++ seeding (the first centre drawn with probability ∝ weight, each next
    /// ∝ weight·D², D the distance to the nearest centre so far), then Lloyd rounds (each point to its
    /// nearest centre, ties to the lowest centre; each centre the weighted mean of its points) until
    /// nothing moves or 300 rounds. Ten starts from <c>new Random(seed)</c>; the one with the lowest
    /// weighted sum of squared distances is kept (ties to the earlier start).
    /// </summary>
    /// <param name="points">n points of <paramref name="dimension"/> values, point after point.</param>
    /// <param name="dimension">Values per point.</param>
    /// <param name="weights">n positive weights.</param>
    /// <param name="k">1..n clusters.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>The cluster of each point, 0..k−1.</returns>
    public static int[] KMeans(ReadOnlySpan<float> points, int dimension, ReadOnlySpan<double> weights, int k, int seed)
    {
        var n = Check(points, dimension, weights, k);
        var random = new Random(seed);
        int[]? best = null;
        var bestCost = double.PositiveInfinity;
        var pts = points.ToArray();
        var w = weights.ToArray();
        for (var start = 0; start < KMeansStarts; start++)
        {
            var centres = SeedPlusPlus(pts, dimension, w, k, random);
            var assignment = new int[n];
            Array.Fill(assignment, -1);
            for (var round = 0; round < KMeansMaxRounds; round++)
            {
                var moved = false;
                for (var i = 0; i < n; i++)
                {
                    var c = Nearest(pts.AsSpan(i * dimension, dimension), centres, dimension, k, out _);
                    if (c != assignment[i])
                    {
                        assignment[i] = c;
                        moved = true;
                    }
                }

                if (!moved)
                {
                    break;
                }

                UpdateCentres(pts, dimension, w, assignment, centres, k);
            }

            var cost = 0.0;
            for (var i = 0; i < n; i++)
            {
                cost += w[i] * Distance2(pts.AsSpan(i * dimension, dimension), centres.AsSpan(assignment[i] * dimension, dimension));
            }

            if (cost < bestCost)
            {
                bestCost = cost;
                best = assignment;
            }
        }

        return best!;
    }

    /// <summary>
    /// Ward's agglomerative clustering restricted to grid neighbours: every node starts as its own
    /// cluster; repeatedly the two clusters that touch on the grid (some node of one is a grid
    /// neighbour of some node of the other) with the least increase in the weighted sum of squares,
    /// Δ = wA·wB/(wA + wB)·‖cA − cB‖² (c the weighted means, w the summed weights), are merged; ties go
    /// to the pair with the lowest (smaller, larger) cluster numbers. Stops at k clusters.
    /// </summary>
    /// <param name="points">One point per node of <paramref name="grid"/>, point after point.</param>
    /// <param name="dimension">Values per point.</param>
    /// <param name="weights">One positive weight per node.</param>
    /// <param name="grid">The grid whose neighbours may merge.</param>
    /// <param name="k">1..NodeCount clusters.</param>
    /// <returns>The cluster of each node.</returns>
    public static int[] Ward(ReadOnlySpan<float> points, int dimension, ReadOnlySpan<double> weights, Grid grid, int k)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var n = Check(points, dimension, weights, k);
        if (n != grid.NodeCount)
        {
            throw new ArgumentException($"The grid has {grid.NodeCount} nodes; {n} points were given.", nameof(points));
        }

        var centre = new double[n * dimension];
        for (var i = 0; i < points.Length; i++)
        {
            centre[i] = points[i];
        }

        var weight = weights.ToArray();
        var parent = Enumerable.Range(0, n).ToArray();
        var neighbours = new SortedSet<int>[n];
        Span<int> around = stackalloc int[Grid.MaxNeighbors];
        for (var i = 0; i < n; i++)
        {
            neighbours[i] = [];
            var count = grid.NeighborsOf(i, around);
            for (var j = 0; j < count; j++)
            {
                if (around[j] != i)
                {
                    neighbours[i].Add(around[j]);
                }
            }
        }

        var cost = new Dictionary<(int, int), double>();
        foreach (var a in Enumerable.Range(0, n))
        {
            foreach (var b in neighbours[a])
            {
                if (a < b)
                {
                    cost[(a, b)] = MergeCost(centre, weight, dimension, a, b);
                }
            }
        }

        for (var clusters = n; clusters > k; clusters--)
        {
            var best = (-1, -1);
            var bestCost = double.PositiveInfinity;
            foreach (var (pair, c) in cost)
            {
                if (c < bestCost || (c == bestCost && pair.CompareTo(best) < 0))
                {
                    bestCost = c;
                    best = pair;
                }
            }

            var (keep, gone) = best;
            var total = weight[keep] + weight[gone];
            for (var d = 0; d < dimension; d++)
            {
                centre[(keep * dimension) + d] = ((centre[(keep * dimension) + d] * weight[keep]) + (centre[(gone * dimension) + d] * weight[gone])) / total;
            }

            weight[keep] = total;
            parent[gone] = keep;
            foreach (var other in neighbours[gone])
            {
                cost.Remove(Pair(gone, other));
                neighbours[other].Remove(gone);
                if (other != keep)
                {
                    neighbours[other].Add(keep);
                    neighbours[keep].Add(other);
                }
            }

            neighbours[keep].Remove(gone);
            neighbours[gone].Clear();
            foreach (var other in neighbours[keep])
            {
                cost[Pair(keep, other)] = MergeCost(centre, weight, dimension, keep, other);
            }
        }

        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            var root = i;
            while (parent[root] != root)
            {
                root = parent[root];
            }

            result[i] = root;
        }

        return result;
    }

    /// <summary>
    /// The Davies–Bouldin index: the mean over clusters i of maxⱼ≠ᵢ (sᵢ + sⱼ)/‖cᵢ − cⱼ‖, with c the
    /// weighted mean of a cluster and s the weighted mean distance of its points to it. Lower means
    /// tighter, better separated clusters; NaN with fewer than two clusters.
    /// </summary>
    /// <param name="points">n points, point after point.</param>
    /// <param name="dimension">Values per point.</param>
    /// <param name="weights">n positive weights.</param>
    /// <param name="assignment">The cluster of each point (any non-negative numbers).</param>
    public static double DaviesBouldin(ReadOnlySpan<float> points, int dimension, ReadOnlySpan<double> weights, ReadOnlySpan<int> assignment)
    {
        var n = assignment.Length;
        var ids = assignment.ToArray().Distinct().Order().ToArray();
        if (ids.Length < 2)
        {
            return double.NaN;
        }

        var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var k = ids.Length;
        var centres = new double[k * dimension];
        var mass = new double[k];
        for (var i = 0; i < n; i++)
        {
            var c = index[assignment[i]];
            mass[c] += weights[i];
            for (var d = 0; d < dimension; d++)
            {
                centres[(c * dimension) + d] += weights[i] * points[(i * dimension) + d];
            }
        }

        for (var c = 0; c < k; c++)
        {
            for (var d = 0; d < dimension; d++)
            {
                centres[(c * dimension) + d] /= mass[c];
            }
        }

        var scatter = new double[k];
        for (var i = 0; i < n; i++)
        {
            var c = index[assignment[i]];
            var s = 0.0;
            for (var d = 0; d < dimension; d++)
            {
                var diff = points[(i * dimension) + d] - centres[(c * dimension) + d];
                s += diff * diff;
            }

            scatter[c] += weights[i] * Math.Sqrt(s);
        }

        var sum = 0.0;
        for (var i = 0; i < k; i++)
        {
            scatter[i] /= mass[i];
        }

        for (var i = 0; i < k; i++)
        {
            var worst = 0.0;
            for (var j = 0; j < k; j++)
            {
                if (j == i)
                {
                    continue;
                }

                var s = 0.0;
                for (var d = 0; d < dimension; d++)
                {
                    var diff = centres[(i * dimension) + d] - centres[(j * dimension) + d];
                    s += diff * diff;
                }

                worst = Math.Max(worst, (scatter[i] + scatter[j]) / Math.Sqrt(s));
            }

            sum += worst;
        }

        return sum / k;
    }

    /// <summary>Hits + <see cref="EmptyNodeWeight"/> per node with data, else 1.</summary>
    internal static double[] NodeWeights(SomModel model, DataMatrix? data)
    {
        var weights = new double[model.Grid.NodeCount];
        if (data is null)
        {
            Array.Fill(weights, 1.0);
            return weights;
        }

        foreach (var bmu in model.FindBmus(data))
        {
            weights[bmu.Index]++;
        }

        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] += EmptyNodeWeight;
        }

        return weights;
    }

    private static (int, int) Pair(int a, int b) => a < b ? (a, b) : (b, a);

    private static double MergeCost(double[] centre, double[] weight, int dimension, int a, int b)
    {
        var s = 0.0;
        for (var d = 0; d < dimension; d++)
        {
            var diff = centre[(a * dimension) + d] - centre[(b * dimension) + d];
            s += diff * diff;
        }

        return weight[a] * weight[b] / (weight[a] + weight[b]) * s;
    }

    private static int Check(ReadOnlySpan<float> points, int dimension, ReadOnlySpan<double> weights, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (points.Length % dimension != 0 || points.Length == 0)
        {
            throw new ArgumentException($"{points.Length} values are not whole points of {dimension} values.", nameof(points));
        }

        var n = points.Length / dimension;
        if (weights.Length != n)
        {
            throw new ArgumentException($"{n} points need {n} weights; got {weights.Length}.", nameof(weights));
        }

        foreach (var w in weights)
        {
            if (!(w > 0) || !double.IsFinite(w))
            {
                throw new ArgumentException($"Weights must be positive and finite; got {w}.", nameof(weights));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        return n;
    }

    private static double[] SeedPlusPlus(float[] points, int dimension, double[] weights, int k, Random random)
    {
        var n = weights.Length;
        var centres = new double[k * dimension];
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        for (var c = 0; c < k; c++)
        {
            var chance = new double[n];
            var total = 0.0;
            for (var i = 0; i < n; i++)
            {
                chance[i] = c == 0 ? weights[i] : weights[i] * nearest[i];
                total += chance[i];
            }

            int pick;
            if (total > 0)
            {
                var target = random.NextDouble() * total;
                pick = n - 1;
                var running = 0.0;
                for (var i = 0; i < n; i++)
                {
                    running += chance[i];
                    if (running > target)
                    {
                        pick = i;
                        break;
                    }
                }
            }
            else
            {
                // Every point sits on a centre already: any point will do.
                pick = random.Next(n);
            }

            for (var d = 0; d < dimension; d++)
            {
                centres[(c * dimension) + d] = points[(pick * dimension) + d];
            }

            for (var i = 0; i < n; i++)
            {
                nearest[i] = Math.Min(nearest[i], Distance2(points.AsSpan(i * dimension, dimension), centres.AsSpan(c * dimension, dimension)));
            }
        }

        return centres;
    }

    private static void UpdateCentres(float[] points, int dimension, double[] weights, int[] assignment, double[] centres, int k)
    {
        var sums = new double[k * dimension];
        var mass = new double[k];
        for (var i = 0; i < assignment.Length; i++)
        {
            var c = assignment[i];
            mass[c] += weights[i];
            for (var d = 0; d < dimension; d++)
            {
                sums[(c * dimension) + d] += weights[i] * points[(i * dimension) + d];
            }
        }

        for (var c = 0; c < k; c++)
        {
            if (mass[c] == 0)
            {
                continue; // An empty cluster keeps its centre.
            }

            for (var d = 0; d < dimension; d++)
            {
                centres[(c * dimension) + d] = sums[(c * dimension) + d] / mass[c];
            }
        }
    }

    private static int Nearest(ReadOnlySpan<float> point, double[] centres, int dimension, int k, out double distance)
    {
        var best = 0;
        distance = double.PositiveInfinity;
        for (var c = 0; c < k; c++)
        {
            var d = Distance2(point, centres.AsSpan(c * dimension, dimension));
            if (d < distance)
            {
                distance = d;
                best = c;
            }
        }

        return best;
    }

    private static double Distance2(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        var s = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var diff = a[d] - b[d];
            s += diff * diff;
        }

        return s;
    }
}
