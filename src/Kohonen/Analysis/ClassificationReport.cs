namespace Kohonen;

/// <summary>
/// How well predicted labels match the true ones: accuracy, per-class precision and recall, and the
/// confusion matrix. Classes are the union of true and predicted labels, in natural order
/// (<see cref="NodeLabels.NaturalOrder"/>).
/// </summary>
public sealed class ClassificationReport
{
    private readonly int[] _confusion;

    private ClassificationReport(IReadOnlyList<string> classes, int[] confusion, int total)
    {
        Classes = classes;
        _confusion = confusion;
        Total = total;
    }

    /// <summary>The classes, in natural order; rows and columns of <see cref="Confusion"/>.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The number of rows compared.</summary>
    public int Total { get; }

    /// <summary>The rows whose predicted label equals the true one.</summary>
    public int Correct => Enumerable.Range(0, Classes.Count).Sum(c => Confusion(c, c));

    /// <summary>Correct / Total.</summary>
    public double Accuracy => (double)Correct / Total;

    /// <summary>How many rows of true class <paramref name="truth"/> were predicted as
    /// <paramref name="predicted"/> (positions in <see cref="Classes"/>).</summary>
    /// <param name="truth">The true class's position.</param>
    /// <param name="predicted">The predicted class's position.</param>
    public int Confusion(int truth, int predicted) => _confusion[(truth * Classes.Count) + predicted];

    /// <summary>Of the rows predicted as the class, the share that truly are; NaN when none was
    /// predicted so.</summary>
    /// <param name="c">The class's position.</param>
    public double Precision(int c)
    {
        var predicted = Enumerable.Range(0, Classes.Count).Sum(t => Confusion(t, c));
        return predicted == 0 ? double.NaN : (double)Confusion(c, c) / predicted;
    }

    /// <summary>Of the rows truly of the class, the share predicted so; NaN when the class has no
    /// row.</summary>
    /// <param name="c">The class's position.</param>
    public double Recall(int c)
    {
        var actual = Enumerable.Range(0, Classes.Count).Sum(p => Confusion(c, p));
        return actual == 0 ? double.NaN : (double)Confusion(c, c) / actual;
    }

    /// <summary>How many rows are truly of the class.</summary>
    /// <param name="c">The class's position.</param>
    public int Support(int c) => Enumerable.Range(0, Classes.Count).Sum(p => Confusion(c, p));

    /// <summary>Compares predicted labels with the true ones, row by row.</summary>
    /// <param name="truth">The true labels.</param>
    /// <param name="predicted">The predicted labels, as many.</param>
    /// <exception cref="ArgumentException">Different counts, or none.</exception>
    public static ClassificationReport Compare(IReadOnlyList<string> truth, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count || truth.Count == 0)
        {
            throw new ArgumentException($"{truth.Count} true labels and {predicted.Count} predictions; the same number, at least one, is needed.", nameof(predicted));
        }

        var classes = truth.Concat(predicted).Distinct(StringComparer.Ordinal).Order(NodeLabels.NaturalOrder).ToList();
        var position = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var confusion = new int[classes.Count * classes.Count];
        for (var r = 0; r < truth.Count; r++)
        {
            confusion[(position[truth[r]] * classes.Count) + position[predicted[r]]]++;
        }

        return new ClassificationReport(classes, confusion, truth.Count);
    }

    /// <summary>
    /// The adjusted Rand index of two partitions of the same items (Hubert and Arabie): 1 for the same
    /// partition, about 0 for a random one; 1 when both put every item in one group.
    /// </summary>
    /// <param name="a">A group per item.</param>
    /// <param name="b">A group per item, as many.</param>
    /// <exception cref="ArgumentException">Different lengths, or none.</exception>
    public static double AdjustedRandIndex(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count || a.Count == 0)
        {
            throw new ArgumentException($"{a.Count} and {b.Count} items; the same number, at least one, is needed.", nameof(b));
        }

        var pairs = new Dictionary<(int, int), long>();
        var rows = new Dictionary<int, long>();
        var columns = new Dictionary<int, long>();
        for (var i = 0; i < a.Count; i++)
        {
            pairs[(a[i], b[i])] = pairs.GetValueOrDefault((a[i], b[i])) + 1;
            rows[a[i]] = rows.GetValueOrDefault(a[i]) + 1;
            columns[b[i]] = columns.GetValueOrDefault(b[i]) + 1;
        }

        static double Choose2(long n) => n * (n - 1) / 2.0;
        var index = pairs.Values.Sum(Choose2);
        var sumRows = rows.Values.Sum(Choose2);
        var sumColumns = columns.Values.Sum(Choose2);
        var expected = sumRows * sumColumns / Choose2(a.Count);
        var max = (sumRows + sumColumns) / 2;
        return max == expected ? 1.0 : (index - expected) / (max - expected);
    }
}
