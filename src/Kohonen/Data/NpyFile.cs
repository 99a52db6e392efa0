using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Kohonen;

/// <summary>
/// NumPy's <c>.npy</c> format (versions 1.0, 2.0 and 3.0): float32 or float64 (either byte order),
/// C order, one or two dimensions. A 1-D array of n values reads as n rows of one feature. float64
/// values are rounded to float32. A NaN is a missing value; an infinite value, or a float64 beyond the float32 range, is a
/// <see cref="DataFormatException"/> naming the file, row and column. Only a regular file is read. Written files are float32 little-endian, version 1.0, with the
/// header padded to a multiple of 64 bytes as NumPy does.
/// </summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a file.</summary>
    /// <exception cref="DataFormatException">Not a .npy file, or an unsupported dtype, order or
    /// shape, or shorter than its header says; the message says which.</exception>
    public static DataMatrix Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = SafeFile.OpenRead(path, long.MaxValue, reason => new DataFormatException($"{path}: {reason}", path));
        return Read(stream, path);
    }

    /// <summary>Reads from a stream; <paramref name="sourceName"/> names it in messages.</summary>
    public static DataMatrix Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (descr, rows, columns) = ReadHeader(stream, sourceName);
        var bytesPerValue = descr[2] == '8' ? 8 : 4; // descr is '<f8', '>f4', ...: the size is the third character
        var littleEndian = descr[0] != '>';
        var count = (long)rows * columns;
        if (count > Array.MaxLength)
        {
            throw new DataFormatException($"{sourceName}: {rows}×{columns} values do not fit in memory as one array.", sourceName);
        }

        // A header that announces more values than the file holds is refused before they are allocated.
        if (stream.CanSeek && stream.Length - stream.Position < count * bytesPerValue)
        {
            throw new DataFormatException(
                $"{sourceName}: the file has {stream.Length - stream.Position} bytes of values; its header announces {rows}×{columns} values ({count * bytesPerValue} bytes). It is truncated.", sourceName);
        }

        var values = GC.AllocateUninitializedArray<float>((int)count);
        if (bytesPerValue == 4 && littleEndian == BitConverter.IsLittleEndian)
        {
            // float32 in this machine's byte order: read straight into the values, then look for infinities.
            ReadExactly(stream, MemoryMarshal.AsBytes(values.AsSpan()), sourceName, count);
            for (var i = 0; i < values.Length; i++)
            {
                if (float.IsInfinity(values[i]))
                {
                    // Refused there, with the row and column, as on the general path.
                    Value(MemoryMarshal.AsBytes(values.AsSpan(i, 1)), BitConverter.IsLittleEndian, sourceName, i, columns);
                }
            }

            return DataMatrix.Wrap(values, rows, columns);
        }

        var buffer = new byte[(int)Math.Min(1 << 16, Math.Max(count * bytesPerValue, bytesPerValue))];
        long done = 0;
        while (done < count)
        {
            var want = (int)Math.Min(buffer.Length / bytesPerValue, count - done) * bytesPerValue;
            var got = 0;
            while (got < want)
            {
                var n = stream.Read(buffer, got, want - got);
                if (n == 0)
                {
                    throw new DataFormatException(
                        $"{sourceName}: the file ends after {done + (got / bytesPerValue)} of {count} values; it is truncated.", sourceName);
                }

                got += n;
            }

            for (var i = 0; i < want / bytesPerValue; i++)
            {
                values[done + i] = Value(buffer.AsSpan(i * bytesPerValue, bytesPerValue), littleEndian, sourceName, done + i, columns);
            }

            done += want / bytesPerValue;
        }

        return DataMatrix.Wrap(values, rows, columns);
    }

    /// <summary>Fills <paramref name="destination"/> from the stream; a stream that ends first is a
    /// truncated file, named with how many of the <paramref name="count"/> float32 values it held.</summary>
    private static void ReadExactly(Stream stream, Span<byte> destination, string sourceName, long count)
    {
        var got = 0;
        while (got < destination.Length)
        {
            var n = stream.Read(destination[got..]);
            if (n == 0)
            {
                throw new DataFormatException($"{sourceName}: the file ends after {got / 4} of {count} values; it is truncated.", sourceName);
            }

            got += n;
        }
    }

    /// <summary>Writes a matrix as float32 (atomically: a temporary file renamed into place).</summary>
    public static void Write(string path, DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        AtomicFile.Write(path, s => Write(s, data));
    }

    /// <summary>Writes a matrix as float32 to a stream.</summary>
    public static void Write(Stream stream, DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(data);
        WriteHeader(stream, data.Rows, data.Columns, headerBytes: 0);
        WriteValues(stream, data.Values);
    }

    /// <summary>
    /// Writes rows that come in chunks as one float32 matrix, holding one chunk at a time (a CSV file
    /// larger than memory, converted for streaming). The header, whose row count is known only at the
    /// end, is written last over a fixed-size placeholder; the file appears under its name only when
    /// complete (written to a temporary name, then renamed).
    /// </summary>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="DataFormatException">A chunk has another number of columns, or the rows are
    /// more than a .npy file here may hold (2³¹ − 1).</exception>
    public static int WriteChunks(string path, IEnumerable<DataMatrix> chunks)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(chunks);
        const int HeaderBytes = 128; // room for any (rows, columns) of two ints
        long rows = 0;
        int? columns = null;
        AtomicFile.Write(path, stream =>
        {
            WriteHeader(stream, 0, 0, HeaderBytes);
            foreach (var chunk in chunks)
            {
                columns ??= chunk.Columns;
                if (chunk.Columns != columns)
                {
                    throw new DataFormatException($"{path}: a chunk of {chunk.Columns} columns among chunks of {columns}.", path);
                }

                rows += chunk.Rows;
                if (rows > int.MaxValue)
                {
                    throw new DataFormatException($"{path}: more than {int.MaxValue} rows; split the data.", path);
                }

                WriteValues(stream, chunk.Values);
            }

            stream.Position = 0;
            WriteHeader(stream, (int)rows, columns ?? 0, HeaderBytes);
        });
        return (int)rows;
    }

    /// <summary>Magic, version 1.0 and the header dictionary, padded with spaces to a multiple of 64
    /// bytes, or to exactly <paramref name="headerBytes"/> when that is not 0.</summary>
    internal static void WriteHeader(Stream stream, int rows, int columns, int headerBytes)
    {
        var dict = string.Create(CultureInfo.InvariantCulture,
            $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        // magic(6) + version(2) + length(2) + dict + padding + '\n'.
        var unpadded = 10 + dict.Length + 1;
        var padding = headerBytes > 0 ? headerBytes - unpadded : (64 - (unpadded % 64)) % 64;
        var header = dict + new string(' ', padding) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }

    /// <summary>The values as little-endian float32.</summary>
    internal static void WriteValues(Stream stream, ReadOnlySpan<float> values)
    {
        var bytes = new byte[4 * Math.Min(Math.Max(values.Length, 1), 1 << 14)];
        for (var start = 0; start < values.Length; start += bytes.Length / 4)
        {
            var n = Math.Min(bytes.Length / 4, values.Length - start);
            for (var i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4, 4), values[start + i]);
            }

            stream.Write(bytes, 0, n * 4);
        }
    }

    /// <summary>One value as float32 (NaN, a missing value, stays NaN): an infinite value, or a float64
    /// beyond the float32 range, is refused with the file, the 0-based row and column, and the value as it is in the file.</summary>
    internal static float Value(ReadOnlySpan<byte> bytes, bool littleEndian, string sourceName, long index, int columns)
    {
        double value = bytes.Length == 4
            ? (littleEndian ? BinaryPrimitives.ReadSingleLittleEndian(bytes) : BinaryPrimitives.ReadSingleBigEndian(bytes))
            : (littleEndian ? BinaryPrimitives.ReadDoubleLittleEndian(bytes) : BinaryPrimitives.ReadDoubleBigEndian(bytes));
        if (double.IsInfinity(value))
        {
            throw new DataFormatException(
                $"{sourceName}: row {index / columns}, column {index % columns} is {value.ToString(CultureInfo.InvariantCulture)}; only finite numbers, or NaN for a missing value, are allowed.", sourceName);
        }

        if (Math.Abs(value) > float.MaxValue)
        {
            throw new DataFormatException(
                $"{sourceName}: row {index / columns}, column {index % columns} is {value.ToString("R", CultureInfo.InvariantCulture)}, outside the float32 range (±3.4e38).", sourceName);
        }

        return (float)value;
    }

    /// <summary>Reads the magic, version and header dictionary; leaves the stream at the data.</summary>
    internal static (string Descr, int Rows, int Columns) ReadHeader(Stream stream, string sourceName)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new DataFormatException($"{sourceName}: not a .npy file (it does not start with \\x93NUMPY).", sourceName);
        }

        int major = prefix[6];
        int headerLength;
        Span<byte> lengthBytes = stackalloc byte[4];
        if (major == 1)
        {
            if (stream.ReadAtLeast(lengthBytes[..2], 2, throwOnEndOfStream: false) < 2)
            {
                throw new DataFormatException($"{sourceName}: the .npy header is truncated.", sourceName);
            }

            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes);
        }
        else if (major is 2 or 3)
        {
            if (stream.ReadAtLeast(lengthBytes, 4, throwOnEndOfStream: false) < 4)
            {
                throw new DataFormatException($"{sourceName}: the .npy header is truncated.", sourceName);
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
            if (length > 1 << 20)
            {
                throw new DataFormatException($"{sourceName}: the .npy header claims {length} bytes; that is not a plausible header.", sourceName);
            }

            headerLength = (int)length;
        }
        else
        {
            throw new DataFormatException($"{sourceName}: .npy format version {major}.{prefix[7]} is not supported (1.0, 2.0 and 3.0 are).", sourceName);
        }

        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength)
        {
            throw new DataFormatException($"{sourceName}: the .npy header is truncated.", sourceName);
        }

        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var dict = NpyHeader.Parse(header, sourceName);
        if (!dict.TryGetValue("descr", out var descrValue) || descrValue is not string type)
        {
            throw new DataFormatException(
                $"{sourceName}: the .npy header has no 'descr' string{(descrValue is null ? "" : " (a structured array?)")}; allowed: float32 ('<f4', '>f4') and float64 ('<f8', '>f8').", sourceName);
        }

        if (!dict.TryGetValue("fortran_order", out var fortranValue) || fortranValue is not bool fortran)
        {
            throw new DataFormatException($"{sourceName}: the .npy header has no 'fortran_order' True or False.", sourceName);
        }

        if (!dict.TryGetValue("shape", out var shapeValue) || shapeValue is not List<object?> shape)
        {
            throw new DataFormatException($"{sourceName}: the .npy header has no 'shape' tuple.", sourceName);
        }

        if (type is not ("<f4" or ">f4" or "<f8" or ">f8" or "=f4" or "=f8"))
        {
            throw new DataFormatException(
                $"{sourceName}: dtype '{type}' is not supported; allowed: float32 ('<f4', '>f4') and float64 ('<f8', '>f8'). Convert with arr.astype('float32').",
                sourceName);
        }

        if (type[0] == '=')
        {
            type = (BitConverter.IsLittleEndian ? "<" : ">") + type[1..];
        }

        if (fortran)
        {
            throw new DataFormatException($"{sourceName}: the array is in Fortran order; save it in C order (np.ascontiguousarray).", sourceName);
        }

        var shapeText = $"({string.Join(", ", shape)}{(shape.Count == 1 ? "," : "")})";
        if (shape.Any(d => d is not NpyNumber))
        {
            throw new DataFormatException($"{sourceName}: shape {shapeText} is not a tuple of whole numbers.", sourceName);
        }

        if (shape.Count is not (1 or 2))
        {
            throw new DataFormatException($"{sourceName}: the array has {shape.Count} dimensions; 1 or 2 are supported.", sourceName);
        }

        var dims = new long[shape.Count];
        for (var i = 0; i < dims.Length; i++)
        {
            if (!((NpyNumber)shape[i]!).TryGetInt64(out dims[i]) || dims[i] < 0)
            {
                throw new DataFormatException(
                    $"{sourceName}: shape {shapeText} is not supported; each side must be a whole number in 0..{int.MaxValue}.", sourceName);
            }
        }

        var (rows, columns) = dims.Length == 1 ? (dims[0], 1L) : (dims[0], dims[1]);
        if (rows > int.MaxValue || columns > int.MaxValue || columns < 1)
        {
            throw new DataFormatException(
                $"{sourceName}: shape {shapeText} is not supported; rows must be in 0..{int.MaxValue} and columns in 1..{int.MaxValue}.", sourceName);
        }

        return (type, (int)rows, (int)columns);
    }
}
