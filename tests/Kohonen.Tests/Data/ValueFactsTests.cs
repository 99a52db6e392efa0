namespace Kohonen.Tests.Data;

/// <summary>The one-pass facts of a data set's values (missing, infinite, beyond the measurable range)
/// against plain loops, with the odd value in the vector part and in the scalar tail.</summary>
public class ValueFactsTests
{
    public static TheoryData<float> OddValues() =>
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, DataMatrix.MaxMagnitude, -DataMatrix.MaxMagnitude,
        MathF.BitIncrement(DataMatrix.MaxMagnitude), -MathF.BitIncrement(DataMatrix.MaxMagnitude), float.MaxValue, -0f, 0f, 1e-40f,
    ];

    [Theory]
    [MemberData(nameof(OddValues))]
    public void OnePassAnswersAsPlainLoopsDoWhereverTheValueIs(float odd)
    {
        var random = new Random(BitConverter.SingleToInt32Bits(odd));
        foreach (var length in new[] { 1, 7, 8, 9, 31, 64, 67, 256, 301 })
        {
            foreach (var at in new[] { 0, length / 2, length - 1 })
            {
                var values = Enumerable.Range(0, length).Select(_ => (random.NextSingle() - 0.5f) * 1e6f).ToArray();
                values[at] = odd;

                var facts = ValueFacts.Of(values);

                Assert.Equal(values.Any(float.IsNaN), facts.AnyMissing);
                Assert.Equal(values.Any(float.IsInfinity), facts.AnyInfinite);
                Assert.Equal(values.Any(v => Math.Abs(v) > DataMatrix.MaxMagnitude), facts.AnyBeyondRange);
                Assert.Equal(Array.FindIndex(values, v => Math.Abs(v) > DataMatrix.MaxMagnitude), DataMatrix.FirstBeyondRange(values));
            }
        }
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    public void TheFactsSurviveBeingPackedIntoOneNonzeroInt(bool missing, bool infinite, bool beyond)
    {
        var facts = new ValueFacts(missing, infinite, beyond);

        Assert.NotEqual(0, facts.Packed);
        Assert.Equal(facts, ValueFacts.Unpack(facts.Packed));
    }

    [Fact]
    public void AMatrixAnswersFromOnePassAndStillNamesTheFirstOffendingCell()
    {
        var values = Enumerable.Range(0, 10 * 9).Select(i => (float)i).ToArray();
        values[40] = float.NaN;
        values[71] = 2e13f;
        values[83] = float.NegativeInfinity;
        var matrix = new DataMatrix(values, 10, 9);

        Assert.True(matrix.HasMissing);
        Assert.Equal(71, matrix.FirstBeyondRange());
        var refused = Assert.Throws<ArgumentException>(matrix.EnsureFinite);
        Assert.StartsWith("Row 9, column 2 ('x2') is -Infinity;", refused.Message);
        Assert.Equal(0, matrix.CountEmptyRows());

        var clean = new DataMatrix(Enumerable.Range(0, 90).Select(i => (float)i).ToArray(), 10, 9);
        Assert.False(clean.HasMissing);
        Assert.Equal(-1, clean.FirstBeyondRange());
        clean.EnsureFinite();
    }
}
