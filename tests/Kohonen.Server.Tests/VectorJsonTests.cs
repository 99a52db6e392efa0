using System.Globalization;
using System.Text;
using System.Text.Json;
using Kohonen.Server.Api;

namespace Kohonen.Server.Tests;

/// <summary>The fast decimal reader against .NET's own parser; the one-pass batch reader and the plain
/// batch writer against System.Text.Json.</summary>
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

    /// <summary>The values of <c>{"data": [[…], …]}</c> by System.Text.Json and double.Parse: NaN for null,
    /// each number's text parsed as a double and rounded to float.</summary>
    private static float[] ReferenceValues(string body) =>
    [
        .. JsonDocument.Parse(body).RootElement.GetProperty("data").EnumerateArray()
            .SelectMany(row => row.EnumerateArray())
            .Select(v => v.ValueKind == JsonValueKind.Null ? float.NaN : (float)double.Parse(v.GetRawText(), CultureInfo.InvariantCulture)),
    ];

    /// <summary>A float's shortest text, when it has no exponent (else 0.5).</summary>
    private static string Shortest(float value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        return text.Contains('E', StringComparison.Ordinal) ? "0.5" : text;
    }

    private static string Space(Random random) => random.Next(4) switch
    {
        0 => "",
        1 => " ",
        2 => "\n  ",
        _ => "\t\r\n",
    };

    [Fact]
    public void PlainBatchesReadInOnePassAsTheGeneralReaderAndSystemTextJsonReadThem()
    {
        var random = new Random(5);
        for (var body = 0; body < 2_000; body++)
        {
            var dimension = random.Next(1, 6);
            var rows = random.Next(1, 40);
            var text = new StringBuilder().Append(Space(random)).Append('{').Append(Space(random)).Append("\"data\"").Append(Space(random)).Append(':').Append(Space(random)).Append('[');
            for (var r = 0; r < rows; r++)
            {
                text.Append(r > 0 ? "," : "").Append(Space(random)).Append('[').Append(Space(random));
                for (var f = 0; f < dimension; f++)
                {
                    var value = random.Next(6) switch
                    {
                        0 => "null",
                        1 => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
                        2 => "-0",
                        3 => (random.NextDouble() * 2 - 1).ToString("F" + random.Next(1, 9), CultureInfo.InvariantCulture),
                        _ => Shortest(random.NextSingle()),
                    };
                    text.Append(f > 0 ? "," : "").Append(Space(random)).Append(value).Append(Space(random));
                }

                text.Append(']').Append(Space(random));
            }

            text.Append(']').Append(Space(random)).Append('}').Append(Space(random));
            var json = text.ToString();
            var utf8 = Encoding.UTF8.GetBytes(json);
            var expected = ReferenceValues(json);

            Assert.True(VectorJson.TryReadPlainMatrix(utf8, dimension, 100, out var values, out var count), json);
            Assert.Equal(rows, count);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), values.Take(rows * dimension).Select(BitConverter.SingleToInt32Bits));

            Assert.Null(VectorJson.ReadMatrix(utf8, dimension, $"{dimension}", 100, out var general, out var generalCount));
            Assert.Equal(rows, generalCount);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), general.Take(rows * dimension).Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [InlineData("""{"data":[[1,2,3],[4,5,6e0]]}""", true)]
    [InlineData("""{"data":[[1,2,3],[4,5,0.6E1]]}""", true)]
    [InlineData("""{"data":[[1,2,3],[4,5,1234567890.1234567]]}""", true)]
    [InlineData("""{"data":[[1,2,3]],"other":1}""", true)]
    [InlineData("""{"data":[[1,2,3]],"other":{"data":1}}""", true)]
    [InlineData("""{"data":[[1,2,3]],"data":[[4,5,6]]}""", false)]
    [InlineData("""{"data":[[1,2,3]],"x":2,"\u0064ata":[[4,5,6]]}""", false)]
    [InlineData("""{"other":[1],"data":[[1,2,3]]}""", true)]
    [InlineData("""{"\u0064ata":[[1,2,3]]}""", true)]
    [InlineData("""{"data":[[01,2,3]]}""", false)]
    [InlineData("""{"data":[[1.,2,3]]}""", false)]
    [InlineData("""{"data":[[.5,2,3]]}""", false)]
    [InlineData("""{"data":[[-,2,3]]}""", false)]
    [InlineData("""{"data":[[1,2,3],]}""", false)]
    [InlineData("""{"data":[[1,2,3,]]}""", false)]
    [InlineData("""{"data":[[1,2]]}""", false)]
    [InlineData("""{"data":[[1,2,3,4]]}""", false)]
    [InlineData("""{"data":[[1,2,"3"]]}""", false)]
    [InlineData("""{"data":[[1,2,nul]]}""", false)]
    [InlineData("""{"data":[[1,2,nullx]]}""", false)]
    [InlineData("""{"data":[[1,2,NaN]]}""", false)]
    [InlineData("""{"data":[[1,2,3]]} x""", false)]
    [InlineData("""{"data":[[1,2,3]]""", false)]
    [InlineData("""{"data":[]}""", false)]
    [InlineData("""{"data":[[1,2,3]] /* c */}""", false)]
    [InlineData("""{"data":[[1,2,3],[4,5,6],[7,8,9]]}""", false)]
    public void OtherBodiesAreLeftToTheGeneralReader(string json, bool generalReadsIt)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        Assert.False(VectorJson.TryReadPlainMatrix(utf8, 3, 2, out _, out _));
        Assert.Equal(generalReadsIt, VectorJson.ReadMatrix(utf8, 3, "3", 2, out _, out _) is null);
    }

    [Fact]
    public void ARepeatedDataPropertyIsRefusedRatherThanOneTakenSilently() =>
        Assert.Equal("The body has \"data\" more than once; give the vectors once.",
            VectorJson.ReadMatrix("""{"data":[[1,2,3]],"data":[[4,5,6]]}"""u8, 3, "3", 10, out _, out _));

    [Fact]
    public void APlainBatchAnswerIsTheJsonWritersBytes()
    {
        var random = new Random(3);
        float[] special = [0f, float.Epsilon, 1e-30f, 1e-5f, 0.1f, 1f, 123456.79f, 1e7f, 3.4028235e38f, float.MaxValue / 3];
        var bmus = Enumerable.Range(0, 3_000).Select(i => new Bmu(
            random.Next(0, 1000), random.Next(0, 1000), i,
            i < special.Length ? special[i] : BitConverter.Int32BitsToSingle(random.Next(0, 0x7F800000)))).ToArray();

        var expected = new MemoryStream();
        using (var writer = new Utf8JsonWriter(expected))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            foreach (var bmu in bmus)
            {
                writer.WriteStartObject();
                writer.WriteNumber("bmu_x", bmu.X);
                writer.WriteNumber("bmu_y", bmu.Y);
                writer.WriteNumber("distance", bmu.Distance);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), Encoding.UTF8.GetString(VectorJson.WriteBatch(bmus).Span));
        Assert.Equal("""{"results":[]}""", Encoding.UTF8.GetString(VectorJson.WriteBatch([]).Span));
    }
}
