namespace Kohonen;

/// <summary>Random data sets from a seed: the demos' and the Python original's training data.</summary>
public static class SampleData
{
    /// <summary><paramref name="rows"/> rows of <paramref name="columns"/> features uniform in [0, 1),
    /// named x0, x1, …</summary>
    public static DataMatrix Uniform(int rows, int columns, int seed) =>
        Fill(rows, columns, seed, [.. Enumerable.Range(0, columns).Select(c => $"x{c}")]);

    /// <summary><paramref name="count"/> colours with red, green and blue uniform in [0, 1): the colour demo's data.</summary>
    public static DataMatrix RandomColors(int count, int seed) => Fill(count, 3, seed, ["red", "green", "blue"]);

    private static DataMatrix Fill(int rows, int columns, int seed, IReadOnlyList<string> names)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var random = new Random(seed);
        var values = new float[checked(rows * columns)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        return new DataMatrix(values, rows, columns, names);
    }
}
