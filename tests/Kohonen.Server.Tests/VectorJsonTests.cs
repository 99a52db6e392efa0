using System.Globalization;
using System.Text;
using Kohonen.Server.Api;

namespace Kohonen.Server.Tests;

/// <summary>The fast decimal reader against .NET's own parser.</summary>
public sealed class VectorJsonTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("1")]
    [InlineData("0.1")]
    [InlineData("-0.5")]
    [InlineData("123456789012345")]
    [InlineData("0.00000000000001")]
    [InlineData("9007199254740.99")]
    [InlineData("00012.5000")]
    public void KnownDecimalsReadAsDoubleParseReadsThem(string text)
    {
        Assert.True(VectorJson.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(value));
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1.5E-3")]
    [InlineData("1234567890123456")]
    [InlineData("0.1234567890123456")]
    [InlineData("0.000000000000001")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.2.3")]
    public void OtherFormsAreLeftToTheGeneralParser(string text) =>
        Assert.False(VectorJson.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void RandomDecimalsOfUpToFifteenDigitsReadExactlyAsDoubleParse()
    {
        var random = new Random(11);
        for (var i = 0; i < 200_000; i++)
        {
            var digits = random.Next(1, 16);
            var text = new StringBuilder();
            if (random.Next(2) == 0)
            {
                text.Append('-');
            }

            var point = random.Next(0, digits + 1);
            for (var d = 0; d < digits; d++)
            {
                if (d == point && d > 0)
                {
                    text.Append('.');
                }

                text.Append((char)('0' + random.Next(10)));
            }

            var s = text.ToString();
            Assert.True(VectorJson.TryParseShortDecimal(Encoding.ASCII.GetBytes(s), out var value), s);
            Assert.True(BitConverter.DoubleToInt64Bits(double.Parse(s, CultureInfo.InvariantCulture)) == BitConverter.DoubleToInt64Bits(value), s);
        }
    }
}
