using System.Text;

namespace Kohonen.Tests.Data;

public sealed class NpyHeaderTests
{
    /// <summary>A version 1.0 .npy file with the header dictionary given as text.</summary>
    internal static byte[] WithHeader(string dict, byte[] payload)
    {
        var header = dict.PadRight(((10 + dict.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange(payload);
        return [.. bytes];
    }

    private static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    private static string Refusal(byte[] file) =>
        Assert.Throws<DataFormatException>(() => NpyFile.Read(new MemoryStream(file), "x.npy")).Message;

    [Fact]
    public void AShapeInsideAnotherStringDoesNotWinOverTheRealOne()
    {
        var file = WithHeader("{'note': \"'shape': (1, 3)\", 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", Floats(1, 2, 3, 4, 5, 6));

        var data = NpyFile.Read(new MemoryStream(file), "x.npy");

        Assert.Equal(2, data.Rows);
        Assert.Equal(3, data.Columns);
        Assert.Equal([1f, 2, 3, 4, 5, 6], data.Values.ToArray());
    }

    [Fact]
    public void AShapeTooLargeForAnyTypeIsAClearError()
    {
        var message = Refusal(WithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 3), }", []));

        Assert.StartsWith("x.npy: ", message, StringComparison.Ordinal);
        Assert.Contains("(99999999999999999999, 3)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHeaderAnnouncingMoreValuesThanTheFileHoldsIsRefusedBeforeAllocating()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var message = Refusal(WithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2000000000, 1), }", Floats(1)));

        Assert.Contains("truncated", message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "given twice")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", "after the dictionary")]
    [InlineData("{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }", "not understood")]
    [InlineData("{'descr': '<f4', 'fortran_order': False}", "no 'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': maybe, 'shape': (1,), }", "unknown name 'maybe'")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "no 'descr' string")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': ('a',), }", "not a tuple of whole numbers")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "not supported")]
    [InlineData("['descr']", "not a dictionary")]
    public void AMalformedHeaderIsRefusedWithTheReason(string dict, string reason)
    {
        var message = Refusal(WithHeader(dict, Floats(1)));

        Assert.StartsWith("x.npy: ", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFloat64BeyondTheFloat32RangeIsReportedAsTheValueItIs()
    {
        var payload = new byte[16];
        BitConverter.GetBytes(0.5).CopyTo(payload, 0);
        BitConverter.GetBytes(1e300).CopyTo(payload, 8);

        var message = Refusal(WithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", payload));

        Assert.Equal("x.npy: row 0, column 1 is 1E+300, outside the float32 range (±3.4e38).", message);
    }

    [Fact]
    public void AnInfinityNamesTheFileRowAndColumn()
    {
        var message = Refusal(WithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", Floats(1, 2, 3, float.NegativeInfinity)));

        Assert.Equal("x.npy: row 1, column 1 is -Infinity; only finite numbers, or NaN for a missing value, are allowed.", message);
    }

    [Fact]
    public void TheRowReaderReportsLargeFloat64ValuesAsTheyAre()
    {
        var path = Path.GetTempFileName();
        try
        {
            var payload = new byte[16];
            BitConverter.GetBytes(-1e300).CopyTo(payload, 8);
            File.WriteAllBytes(path, WithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", payload));
            using var reader = NpyRowReader.Open(path);

            var message = Assert.Throws<DataFormatException>(() => reader.Read(0, new float[2])).Message;

            Assert.Equal($"{path}: row 1, column 0 is -1E+300, outside the float32 range (±3.4e38).", message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
