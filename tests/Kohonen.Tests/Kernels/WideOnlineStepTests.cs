using System.Runtime.Intrinsics;
using Kohonen.Kernels;

namespace Kohonen.Tests.Kernels;

/// <summary>The wide online step (one node moved towards a sample, then measured against the next
/// sample, in one pass) against plain loops written here: the update w + h·(v − w) rounded once per
/// weight, and the distance in the documented lane order (element i into running sum i mod 32, the
/// whole 8s after the last 32 into sums 0–7, the sums combined pairwise, the last length mod 8 elements
/// one by one). Every vector path this machine runs, and the dispatching entry points, which take the
/// scalar path when the tests run without hardware intrinsics.</summary>
public class WideOnlineStepTests
{
    public static TheoryData<int> Lengths() =>
        [8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 39, 40, 47, 48, 63, 64, 65, 95, 96, 97, 100, 127, 255, 300, 784, 785];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryPathMovesTheWeightsAndMeasuresAsThePlainLoops(int length)
    {
        var random = new Random(length);
        for (var trial = 0; trial < 6; trial++)
        {
            var weights = RandomVector(random, length);
            var sample = RandomVector(random, length);
            var next = RandomVector(random, length);
            var h = trial == 0 ? 0f : trial == 1 ? 1e-7f : random.NextSingle() * 0.3f;
            var expectedWeights = (float[])weights.Clone();
            PlainUpdate(expectedWeights, sample, h);
            var expected = PlainDistanceInLanes(expectedWeights, next);

            var paths = new List<(string Name, Func<float[], float> Run)>
            {
                ("dispatch", w => WideOnlineStep.UpdateAndMeasure(w, sample, h, next)),
            };
            if (Vector256.IsHardwareAccelerated)
            {
                paths.Add(("256-bit", w => WideOnlineStep.Simd256(w, sample, h, next)));
            }

            if (Vector512.IsHardwareAccelerated)
            {
                paths.Add(("512-bit", w => WideOnlineStep.Simd512(w, sample, h, next)));
            }

            foreach (var (name, run) in paths)
            {
                var moved = (float[])weights.Clone();
                var d2 = run(moved);
                Assert.True(expectedWeights.AsSpan().SequenceEqual(moved), $"{name}: the weights differ at length {length}");
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(d2), $"{name}: {d2:R} instead of {expected:R} at length {length}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ThePairMovesAndMeasuresEachNodeAsThePlainLoops(int length)
    {
        var random = new Random(1000 + length);
        for (var trial = 0; trial < 6; trial++)
        {
            var first = RandomVector(random, length);
            var second = RandomVector(random, length);
            var sample = RandomVector(random, length);
            var next = RandomVector(random, length);
            // One of the steps 0 in the first trials: that node is measured, not moved.
            var firstStep = trial == 0 ? 0f : random.NextSingle() * 0.3f;
            var secondStep = trial == 1 ? 0f : random.NextSingle() * 0.3f;
            var expectedFirst = (float[])first.Clone();
            var expectedSecond = (float[])second.Clone();
            PlainUpdate(expectedFirst, sample, firstStep);
            PlainUpdate(expectedSecond, sample, secondStep);

            WideOnlineStep.UpdateAndMeasurePair(first, firstStep, second, secondStep, sample, next, out var d2First, out var d2Second);

            Assert.Equal(expectedFirst, first);
            Assert.Equal(expectedSecond, second);
            Assert.Equal(PlainDistanceInLanes(expectedFirst, next), d2First);
            Assert.Equal(PlainDistanceInLanes(expectedSecond, next), d2Second);
        }
    }

    [Fact]
    public void TheDistanceIsTheSearchKernelsBitForBit()
    {
        // The online search of the unfused loops uses SquaredDistance.Compute: the fused step must give
        // its bits, or the BMUs (and every model) would change.
        var random = new Random(7);
        foreach (var length in new[] { 8, 13, 64, 300, 784 })
        {
            var weights = RandomVector(random, length);
            var next = RandomVector(random, length);
            Assert.Equal(SquaredDistance.Compute(weights, next), WideOnlineStep.UpdateAndMeasure(weights, next, 0f, next));
        }
    }

    private static float[] RandomVector(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (random.NextSingle() * 4) - 2)];

    private static void PlainUpdate(float[] w, float[] v, float h)
    {
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = MathF.FusedMultiplyAdd(h, v[i] - w[i], w[i]);
        }
    }

    /// <summary>Σ (aᵢ − bᵢ)² in the documented order of the kernels from 8 elements.</summary>
    private static float PlainDistanceInLanes(float[] a, float[] b)
    {
        var sums = new float[32];
        var n = a.Length;
        var whole32 = n / 32 * 32;
        var whole8 = n / 8 * 8;
        for (var i = 0; i < whole8; i++)
        {
            var d = a[i] - b[i];
            var slot = i < whole32 ? i % 32 : i % 8;
            sums[slot] = MathF.FusedMultiplyAdd(d, d, sums[slot]);
        }

        var lanes = new float[8];
        for (var j = 0; j < 8; j++)
        {
            lanes[j] = (sums[j] + sums[8 + j]) + (sums[16 + j] + sums[24 + j]);
        }

        var sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        for (var i = whole8; i < n; i++)
        {
            var d = a[i] - b[i];
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }

        return sum;
    }
}
