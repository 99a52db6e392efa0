using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Kohonen.Distributed.Tests;

/// <summary>Writes little-endian float32 .npy files (version 1.0), for the tests' data.</summary>
internal static class NpyWriter
{
    public static void Write(string path, float[] values, int rows, int columns)
    {
        var header = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        var padding = 64 - ((10 + header.Length + 1) % 64);
        header = header + new string(' ', padding % 64) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        file.Write(length);
        file.Write(Encoding.ASCII.GetBytes(header));
        Span<byte> value = stackalloc byte[4];
        foreach (var v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(value, v);
            file.Write(value);
        }
    }

    /// <summary>Rows whose columns differ in scale by orders of magnitude, so double sums of them
    /// round and their order shows in the last bits.</summary>
    public static float[] Skewed(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++)
        {
            var column = i % columns;
            var scale = Math.Pow(10, (column % 5) - 2);
            values[i] = (float)((((random.NextDouble() * 2) - 1) * scale) + (column * 3));
        }

        return values;
    }
}
