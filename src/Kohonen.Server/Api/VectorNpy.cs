using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Kohonen.Server.Api;

/// <summary>
/// <c>/predict-batch</c> in NumPy's <c>.npy</c> format, for clients that hold their vectors in arrays:
/// the request a float32 or float64 array of shape (n, features), NaN for a missing value, read by the
/// core's <see cref="NpyFile"/> (so its rules and messages are the data files'); the answer a
/// structured array of n records whose fields are the JSON answer's (<see cref="BmuResponse"/>), in
/// its order: <c>bmu_x</c> and <c>bmu_y</c> (int32), <c>distance</c> (float32), and when the model
/// keeps them <c>label</c> (fixed-width Unicode) and <c>label_confidence</c>, <c>target</c> and
/// <c>target_spread</c> (float32), <c>segment</c> (int32). <c>numpy.load(io.BytesIO(answer))</c>
/// reads it; <c>result["bmu_x"]</c> is the column of every vector's BMU.
/// </summary>
internal static class VectorNpy
{
    private const string Source = "the request body";

    /// <summary>Reads the vectors; null when fine, else the reason (for a 400).</summary>
    public static string? ReadMatrix(ArraySegment<byte> npy, ServedModel served, int maxRows, out DataMatrix? matrix)
    {
        matrix = null;
        DataMatrix read;
        try
        {
            using var stream = new MemoryStream(npy.Array!, npy.Offset, npy.Count, writable: false);
            read = NpyFile.Read(stream, Source);
            if (stream.Position < stream.Length)
            {
                // Not a file NumPy wrote: two arrays, or a truncated upload of something else.
                return $"{Source}: {stream.Length - stream.Position} bytes follow the array's values; a .npy body ends where its values end.";
            }
        }
        catch (DataFormatException e)
        {
            return e.Message;
        }

        var model = served.Model;
        if (read.Rows == 0)
        {
            return $"{Source}: the array has no rows; give at least one vector.";
        }

        if (read.Columns != model.Dimension)
        {
            return read.Columns == 1
                ? $"{Source}: the array has one value a row (a 1-D array of {read.Rows} values reads as {read.Rows} rows of one); the model expects {served.Features}: an array of shape (n, {model.Dimension}), e.g. vector.reshape(1, -1) for one vector."
                : $"{Source}: the array's rows have {read.Columns} values (shape ({read.Rows}, {read.Columns})); the model expects {served.Features}: an array of shape (n, {model.Dimension}).";
        }

        if (read.Rows > maxRows)
        {
            return $"{Source}: the array has {read.Rows} vectors; one request may hold at most {maxRows}.";
        }

        matrix = new DataMatrix(read.Values, read.Rows, read.Columns, model.FeatureNames);
        return null;
    }

    /// <summary>The BMUs, in order, as a structured <c>.npy</c> array (version 1.0, little-endian, the
    /// header padded with spaces to a multiple of 64 bytes, as NumPy writes it).</summary>
    public static byte[] WriteBatch(ReadOnlySpan<Bmu> bmus, SomModel model)
    {
        var labels = model.Labels;
        var labelChars = labels is null ? 0 : Math.Max(1, labels.Classes.Max(c => c.EnumerateRunes().Count()));
        var fields = new List<string> { "('bmu_x', '<i4')", "('bmu_y', '<i4')", "('distance', '<f4')" };
        var recordBytes = 12;
        if (labels is not null)
        {
            fields.Add($"('label', '<U{labelChars}')");
            fields.Add("('label_confidence', '<f4')");
            recordBytes += (4 * labelChars) + 4;
        }

        if (model.Targets is not null)
        {
            fields.Add("('target', '<f4')");
            fields.Add("('target_spread', '<f4')");
            recordBytes += 8;
        }

        if (model.Segments is not null)
        {
            fields.Add("('segment', '<i4')");
            recordBytes += 4;
        }

        var dictionary = string.Create(CultureInfo.InvariantCulture,
            $"{{'descr': [{string.Join(", ", fields)}], 'fortran_order': False, 'shape': ({bmus.Length},), }}");
        // Magic (6), version (2) and header length (2), then the dictionary, spaces and a newline.
        var headerLength = dictionary.Length + 1;
        headerLength += (64 - ((10 + headerLength) % 64)) % 64;
        var output = new byte[10 + headerLength + ((long)recordBytes * bmus.Length)];
        output[0] = 0x93;
        "NUMPY"u8.CopyTo(output.AsSpan(1));
        output[6] = 1;
        output[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(8), (ushort)headerLength);
        var header = output.AsSpan(10, headerLength);
        header.Fill((byte)' ');
        Encoding.ASCII.GetBytes(dictionary, header);
        header[^1] = (byte)'\n';

        var at = output.AsSpan(10 + headerLength);
        for (var i = 0; i < bmus.Length; i++)
        {
            var bmu = bmus[i];
            var record = at.Slice(i * recordBytes, recordBytes);
            BinaryPrimitives.WriteInt32LittleEndian(record, bmu.X);
            BinaryPrimitives.WriteInt32LittleEndian(record[4..], bmu.Y);
            BinaryPrimitives.WriteSingleLittleEndian(record[8..], bmu.Distance);
            var next = 12;
            if (labels is not null)
            {
                // UTF-32 code points, the rest of the field zero (NumPy's 'U' strings).
                Encoding.UTF32.GetBytes(labels.LabelOf(bmu.Index), record.Slice(next, 4 * labelChars));
                next += 4 * labelChars;
                BinaryPrimitives.WriteSingleLittleEndian(record[next..], labels.ConfidenceOf(bmu.Index));
                next += 4;
            }

            if (model.Targets is { } targets)
            {
                BinaryPrimitives.WriteSingleLittleEndian(record[next..], targets.TargetOf(bmu.Index));
                BinaryPrimitives.WriteSingleLittleEndian(record[(next + 4)..], targets.SpreadOf(bmu.Index));
                next += 8;
            }

            if (model.Segments is { } segments)
            {
                BinaryPrimitives.WriteInt32LittleEndian(record[next..], segments.SegmentOf(bmu.Index));
            }
        }

        return output;
    }
}
