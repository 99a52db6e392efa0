using System.Buffers.Binary;
using System.Text;

namespace Kohonen;

/// <summary>
/// Reads a codebook to start a training from, as other SOM tools write them: a NumPy <c>.npy</c>
/// array of shape <c>[height, width, dim]</c> (the layout of a model file's codebook, and MiniSom's
/// <c>get_weights()</c> of a map made with <c>MiniSom(height, width, dim)</c>) or <c>[nodes, dim]</c>
/// with node index y·width + x (Somoclu's codebook rows), float32 or float64, C order.
/// </summary>
public static class CodebookFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>
    /// The codebook in a <c>.npy</c> file, node-major (node y·width + x, then feature), for a
    /// width × height map of <paramref name="dimension"/> features: ready for
    /// <see cref="SomTrainer.Fit(DataSource, ReadOnlyMemory{float}, IProgress{TrainingProgress}?, CancellationToken)"/>.
    /// The values are taken as they are, in the units the map is trained in (the scaled units when the
    /// training scales its data). float64 values are rounded to float32.
    /// </summary>
    /// <exception cref="DataFormatException">Not a .npy file, another dtype or order, a shape other than
    /// [height, width, dimension] or [width·height, dimension] (the file's shape and the wanted ones
    /// named), a NaN or infinite weight (node and feature named), or a truncated file.</exception>
    public static float[] ReadNpy(string path, int width, int height, int dimension)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        using var stream = SafeFile.OpenRead(path, long.MaxValue, reason => new DataFormatException($"{path}: {reason}", path));
        var (descr, shape) = ReadHeader(stream, path);
        var nodes = (long)width * height;
        var shapeText = $"({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")})";
        var fits = shape.Length switch
        {
            3 => shape[0] == height && shape[1] == width && shape[2] == dimension,
            2 => shape[0] == nodes && shape[1] == dimension,
            _ => false,
        };
        if (!fits)
        {
            throw new DataFormatException(
                $"{path}: the codebook has shape {shapeText}; a {width}×{height} map of {dimension} features needs ({height}, {width}, {dimension}) as [height, width, features] or ({nodes}, {dimension}) as [nodes, features].", path);
        }

        var bytesPerValue = descr[2] == '8' ? 8 : 4;
        var littleEndian = descr[0] != '>';
        var count = nodes * dimension;
        if (stream.Length - stream.Position < count * bytesPerValue)
        {
            throw new DataFormatException(
                $"{path}: the file has {stream.Length - stream.Position} bytes of values; its shape {shapeText} needs {count * bytesPerValue}. It is truncated.", path);
        }

        if (count * bytesPerValue > Array.MaxLength)
        {
            throw new DataFormatException($"{path}: {count} weights do not fit in memory as one array.", path);
        }

        var bytes = new byte[count * bytesPerValue];
        stream.ReadExactly(bytes);
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            var span = bytes.AsSpan((int)(i * bytesPerValue), bytesPerValue);
            double value = bytesPerValue == 4
                ? (littleEndian ? BinaryPrimitives.ReadSingleLittleEndian(span) : BinaryPrimitives.ReadSingleBigEndian(span))
                : (littleEndian ? BinaryPrimitives.ReadDoubleLittleEndian(span) : BinaryPrimitives.ReadDoubleBigEndian(span));
            if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            {
                throw new DataFormatException(
                    $"{path}: weight {i % dimension} of node {i / dimension} (x {i / dimension % width}, y {i / dimension / width}) is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}; weights must be finite float32 numbers.", path);
            }

            values[i] = (float)value;
        }

        return values;
    }

    /// <summary>The dtype and shape of the array; leaves the stream at the values.</summary>
    private static (string Descr, long[] Shape) ReadHeader(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new DataFormatException($"{path}: not a .npy file (it does not start with \\x93NUMPY).", path);
        }

        int major = prefix[6];
        Span<byte> lengthBytes = stackalloc byte[4];
        var lengthSize = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new DataFormatException($"{path}: .npy format version {major}.{prefix[7]} is not supported (1.0, 2.0 and 3.0 are).", path),
        };
        if (stream.ReadAtLeast(lengthBytes[..lengthSize], lengthSize, throwOnEndOfStream: false) < lengthSize)
        {
            throw new DataFormatException($"{path}: the .npy header is truncated.", path);
        }

        var headerLength = lengthSize == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > 1 << 20)
        {
            throw new DataFormatException($"{path}: the .npy header claims {headerLength} bytes; that is not a plausible header.", path);
        }

        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, (int)headerLength, throwOnEndOfStream: false) < headerLength)
        {
            throw new DataFormatException($"{path}: the .npy header is truncated.", path);
        }

        var dict = NpyHeader.Parse((major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes), path);
        if (!dict.TryGetValue("descr", out var descrValue) || descrValue is not string descr
            || descr is not ("<f4" or ">f4" or "<f8" or ">f8" or "=f4" or "=f8" or "|f4" or "|f8"))
        {
            throw new DataFormatException($"{path}: the codebook's dtype is not float32 or float64 ('<f4', '>f4', '<f8', '>f8').", path);
        }

        if (descr[0] is '=' or '|')
        {
            descr = (BitConverter.IsLittleEndian ? "<" : ">") + descr[1..];
        }

        if (!dict.TryGetValue("fortran_order", out var fortran) || fortran is not false)
        {
            throw new DataFormatException($"{path}: the array is not in C order; save it with np.ascontiguousarray.", path);
        }

        if (!dict.TryGetValue("shape", out var shapeValue) || shapeValue is not List<object?> shape
            || shape.Any(d => d is not NpyNumber n || !n.TryGetInt64(out var v) || v < 0))
        {
            throw new DataFormatException($"{path}: the .npy header has no shape tuple of whole numbers.", path);
        }

        return (descr, [.. shape.Select(d => ((NpyNumber)d!).TryGetInt64(out var v) ? v : 0)]);
    }
}
