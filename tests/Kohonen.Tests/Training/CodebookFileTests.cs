using System.Text;

namespace Kohonen.Tests.Training;

public sealed class CodebookFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-codebook-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A .npy file written byte by byte: version 1.0, the header padded with spaces to a
    /// multiple of 64 bytes, then the values little-endian.</summary>
    private string Npy(string name, string descr, string shape, double[] values)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var bytes = new MemoryStream();
        bytes.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        bytes.Write(BitConverter.GetBytes((ushort)header.Length));
        bytes.Write(Encoding.Latin1.GetBytes(header));
        foreach (var v in values)
        {
            bytes.Write(descr == "<f8" ? BitConverter.GetBytes(v) : BitConverter.GetBytes((float)v));
        }

        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private static double[] Ramp(int n) => [.. Enumerable.Range(0, n).Select(i => i * 0.5)];

    [Fact]
    public void HeightWidthDimAndNodesDimReadAsTheSameNodeMajorCodebook()
    {
        // A 3-wide, 2-high map of 2 features: node y·3 + x holds values 2·node and 2·node + 1 (halved).
        var cube = CodebookFile.ReadNpy(Npy("cube.npy", "<f4", "(2, 3, 2)", Ramp(12)), width: 3, height: 2, dimension: 2);
        var flat = CodebookFile.ReadNpy(Npy("flat.npy", "<f8", "(6, 2)", Ramp(12)), width: 3, height: 2, dimension: 2);

        Assert.Equal(Ramp(12).Select(v => (float)v), cube);
        Assert.Equal(cube, flat);
    }

    [Theory]
    [InlineData("(3, 2, 2)")]
    [InlineData("(2, 3, 3)")]
    [InlineData("(12,)")]
    [InlineData("(7, 2)")]
    public void AShapeThatIsNotTheMapsIsRefusedNamingBoth(string shape)
    {
        var path = Npy("bad.npy", "<f4", shape, Ramp(12));

        var error = Assert.Throws<DataFormatException>(() => CodebookFile.ReadNpy(path, 3, 2, 2));

        Assert.Equal($"{path}: the codebook has shape {shape}; a 3×2 map of 2 features needs (2, 3, 2) as [height, width, features] or (6, 2) as [nodes, features].", error.Message);
    }

    [Fact]
    public void ANaNWeightIsRefusedWithItsNode()
    {
        var values = Ramp(12);
        values[9] = double.NaN;
        var path = Npy("nan.npy", "<f8", "(6, 2)", values);

        var error = Assert.Throws<DataFormatException>(() => CodebookFile.ReadNpy(path, 3, 2, 2));

        Assert.Equal($"{path}: weight 1 of node 4 (x 1, y 1) is NaN; weights must be finite float32 numbers.", error.Message);
    }

    [Fact]
    public void OtherDtypesAndTruncatedFilesAreRefused()
    {
        var ints = Npy("int.npy", "<i4", "(6, 2)", Ramp(12));
        var shortFile = Npy("short.npy", "<f4", "(6, 2)", Ramp(11));

        Assert.Contains("dtype is not float32 or float64", Assert.Throws<DataFormatException>(() => CodebookFile.ReadNpy(ints, 3, 2, 2)).Message, StringComparison.Ordinal);
        Assert.Contains("It is truncated.", Assert.Throws<DataFormatException>(() => CodebookFile.ReadNpy(shortFile, 3, 2, 2)).Message, StringComparison.Ordinal);
    }
}
