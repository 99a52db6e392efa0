using Kohonen.Training;

namespace Kohonen.Tests.Training;

/// <summary>The batch map's vector loops against the plain scalar loops, bit for bit.</summary>
public class BatchKernelTests
{
    public static TheoryData<int> Lengths() => [.. Enumerable.Range(0, 40).Append(300).Append(301)];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddScaledIsTheScalarMultiplyThenAdd(int length)
    {
        var random = new Random(length);
        var source = Enumerable.Range(0, length).Select(_ => (random.NextDouble() - 0.5) * 1e3).ToArray();
        var start = Enumerable.Range(0, length).Select(_ => (random.NextDouble() - 0.5) * 1e-3).ToArray();
        var h = random.NextDouble();
        var expected = start.ToArray();
        for (var f = 0; f < length; f++)
        {
            expected[f] += h * source[f];
        }

        var actual = start.ToArray();
        BatchTrainer.AddScaled(actual, h, source);

        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddWidenedIsTheScalarSum(int length)
    {
        var random = new Random(length + 1000);
        var source = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * 1e6)).ToArray();
        var start = Enumerable.Range(0, length).Select(_ => random.NextDouble() * 1e-7).ToArray();
        var expected = start.ToArray();
        for (var f = 0; f < length; f++)
        {
            expected[f] += source[f];
        }

        var actual = start.ToArray();
        BatchTrainer.AddWidened(actual, source);

        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }
}
