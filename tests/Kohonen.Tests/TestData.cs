
namespace Kohonen.Tests;

/// <summary>Small reproducible data sets for tests.</summary>
internal static class TestData
{
    /// <summary>n rows of d uniform values in [0, 1) from a fixed seed.</summary>
    public static float[][] Uniform(int n, int d, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => (float)random.NextDouble()).ToArray())];
    }

    /// <summary>n rows around k cluster centres.</summary>
    public static float[][] Clusters(int n, int d, int k, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, k).Select(_ => Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() * 10)).ToArray()).ToArray();
        return [.. Enumerable.Range(0, n).Select(i => centres[i % k].Select(c => c + (float)((random.NextDouble() - 0.5) * 0.5)).ToArray())];
    }

    public static DataMatrix Matrix(float[][] rows) => DataMatrix.FromRows(rows);

    public static float[][] Split(ReadOnlySpan<float> flat, int dim)
    {
        var rows = new float[flat.Length / dim][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = flat.Slice(i * dim, dim).ToArray();
        }

        return rows;
    }

    public static float MaxAbsDifference(float[][] a, float[][] b)
    {
        var max = 0f;
        for (var k = 0; k < a.Length; k++)
        {
            for (var i = 0; i < a[k].Length; i++)
            {
                max = Math.Max(max, Math.Abs(a[k][i] - b[k][i]));
            }
        }

        return max;
    }
}
