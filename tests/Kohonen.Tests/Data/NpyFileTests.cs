using System.Buffers.Binary;
using System.Text;

namespace Kohonen.Tests.Data;

public class NpyFileTests
{
    /// <summary>A .npy file built byte by byte from the format description (not by our writer).</summary>
    internal static byte[] Handmade(string descr, string shape, byte[] payload, bool fortran = false)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        var header = dict.PadRight(((10 + dict.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(payload);
        return [.. bytes];
    }

    [Fact]
    public void Float64LittleEndianIsReadAndRoundedToFloat32()
    {
        var payload = new byte[4 * 8];
        double[] values = [1.5, -2.25, 1e-3, 7];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(i * 8), values[i]);
        }

        var data = NpyFile.Read(new MemoryStream(Handmade("<f8", "(2, 2)", payload)), "x.npy");

        Assert.Equal((2, 2), (data.Rows, data.Columns));
        Assert.Equal([1.5f, -2.25f, 1e-3f, 7f], data.Values.ToArray());
    }

    [Fact]
    public void BigEndianFloat32AndOneDimensionalArraysAreRead()
    {
        var payload = new byte[3 * 4];
        for (var i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteSingleBigEndian(payload.AsSpan(i * 4), i + 0.5f);
        }

        var data = NpyFile.Read(new MemoryStream(Handmade(">f4", "(3,)", payload)), "x.npy");

        Assert.Equal((3, 1), (data.Rows, data.Columns));
        Assert.Equal([0.5f, 1.5f, 2.5f], data.Values.ToArray());
    }

    /// <summary>A stream that gives at most 7 bytes a read and cannot seek (as a network body can).</summary>
    private sealed class Trickle(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 7)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 7));
    }

    [Fact]
    public void LittleEndianFloat32IsReadBitForBitInPiecesAndItsInfinitiesAndEndAreRefused()
    {
        float[] values = [1.5f, -0f, float.Epsilon, float.NaN, -3.25e38f, 1e-3f];
        var little = new byte[values.Length * 4];
        var big = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(little.AsSpan(i * 4), values[i]);
            BinaryPrimitives.WriteSingleBigEndian(big.AsSpan(i * 4), values[i]);
        }

        var data = NpyFile.Read(new Trickle(Handmade("<f4", "(3, 2)", little)), "x.npy");
        var fromBig = NpyFile.Read(new Trickle(Handmade(">f4", "(3, 2)", big)), "x.npy");

        Assert.Equal((3, 2), (data.Rows, data.Columns));
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), data.Values.ToArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(fromBig.Values.ToArray().Select(BitConverter.SingleToInt32Bits), data.Values.ToArray().Select(BitConverter.SingleToInt32Bits));

        BinaryPrimitives.WriteSingleLittleEndian(little.AsSpan(3 * 4), float.NegativeInfinity);
        var infinite = Assert.Throws<DataFormatException>(() => NpyFile.Read(new Trickle(Handmade("<f4", "(3, 2)", little)), "x.npy"));
        Assert.Contains("row 1, column 1 is -Infinity", infinite.Message, StringComparison.Ordinal);

        var shortOne = Assert.Throws<DataFormatException>(() => NpyFile.Read(new Trickle(Handmade("<f4", "(3, 2)", little[..18])), "x.npy"));
        Assert.Contains("ends after 4 of 6 values", shortOne.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrittenFilesRoundTripAndHaveA64ByteAlignedHeader()
    {
        var original = DataMatrix.FromRows([[1f, 2f, 3f], [4f, 5f, float.Epsilon]]);
        var stream = new MemoryStream();

        NpyFile.Write(stream, original);
        var bytes = stream.ToArray();
        var back = NpyFile.Read(new MemoryStream(bytes), "x.npy");

        Assert.Equal(0, (10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))) % 64);
        Assert.Contains("'descr': '<f4'", Encoding.ASCII.GetString(bytes, 10, 60), StringComparison.Ordinal);
        Assert.Equal(original.Values.ToArray(), back.Values.ToArray());
    }

    [Theory]
    [InlineData("<i8", "(2,)", false, "dtype '<i8' is not supported")]
    [InlineData("<f4", "(2, 2)", true, "Fortran order")]
    [InlineData("<f4", "(2, 2, 2)", false, "3 dimensions")]
    public void UnsupportedArraysAreRefusedWithTheReason(string descr, string shape, bool fortran, string reason)
    {
        var error = Assert.Throws<DataFormatException>(() => NpyFile.Read(new MemoryStream(Handmade(descr, shape, new byte[64], fortran)), "x.npy"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruncatedOrForeignFileIsRefused()
    {
        var truncated = Handmade("<f4", "(4, 2)", new byte[20]);

        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => NpyFile.Read(new MemoryStream(truncated), "x.npy")).Message, StringComparison.Ordinal);
        Assert.Contains("not a .npy file", Assert.Throws<DataFormatException>(() => NpyFile.Read(new MemoryStream("a,b\n1,2\n"u8.ToArray()), "x.npy")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RowsWrittenInChunksReadBackAsOneMatrixWithAFixedHeader()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kohonen-npy-{Guid.NewGuid():N}.npy");
        DataMatrix[] chunks = [new([1, 2, 3, 4, 5, 6], 2, 3), new([7, 8, 9], 1, 3), new([10, 11, 12, 13, 14, 15], 2, 3)];
        try
        {
            var rows = NpyFile.WriteChunks(path, chunks);

            var back = NpyFile.Read(path);
            Assert.Equal(5, rows);
            Assert.Equal((5, 3), (back.Rows, back.Columns));
            Assert.Equal(Enumerable.Range(1, 15).Select(i => (float)i), back.Values.ToArray());
            Assert.Equal(128 + (15 * 4), new FileInfo(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AFailingChunkLeavesNoFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kohonen-npy-{Guid.NewGuid():N}.npy");
        static IEnumerable<DataMatrix> Failing()
        {
            yield return new DataMatrix([1, 2], 1, 2);
            throw new DataFormatException("bad.csv, line 3: broken", "bad.csv");
        }

        Assert.Throws<DataFormatException>(() => NpyFile.WriteChunks(path, Failing()));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"));
    }
}
