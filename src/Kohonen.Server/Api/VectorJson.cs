using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Kohonen.Server.Api;

/// <summary>
/// The predictions' JSON, by hand, for speed. Requests are read straight into floats:
/// <c>{"data":[1,2,3]}</c> (<see cref="PredictBmuRequest"/>) and <c>{"data":[[1,2,3],[4,5,6]]}</c>
/// (<see cref="PredictBatchRequest"/>), <c>null</c> for a missing value (read as NaN); other
/// properties are ignored; every refusal says what is wrong
/// and where (index, expected count), for a 400. Answers are written as <see cref="BmuResponse"/> and
/// <see cref="BatchResponse"/> would be serialized (the tests hold both directions to those records).
/// </summary>
internal static class VectorJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _output;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    /// <summary>One BMU as <see cref="BmuResponse"/>'s JSON, <c>{"bmu_x":…,"bmu_y":…,"distance":…}</c>,
    /// written with a writer reused on this thread.</summary>
    public static byte[] WriteBmu(Bmu bmu, SomModel? model = null, IReadOnlyList<UnseenCategory>? unseen = null)
    {
        var output = _output ??= new ArrayBufferWriter<byte>(128);
        output.ResetWrittenCount();
        var writer = _writer ??= new Utf8JsonWriter(output);
        writer.Reset(output);
        WriteBmu(writer, bmu, model, unseen);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The BMUs of a batch, in order, as <see cref="BatchResponse"/>'s JSON, <c>{"results":[…]}</c>.</summary>
    public static ReadOnlyMemory<byte> WriteBatch(ReadOnlySpan<Bmu> bmus, SomModel? model = null, IReadOnlyList<UnseenCategory>? unseen = null)
    {
        if (unseen is null && (model is null || (model.Labels is null && model.Targets is null && model.Segments is null))
            && TryWritePlainBatch(bmus) is { } plain)
        {
            return plain;
        }

        var output = new ArrayBufferWriter<byte>(bmus.Length * 48 + 16);
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartArray("results"u8);
        for (var i = 0; i < bmus.Length; i++)
        {
            WriteBmu(writer, bmus[i], model, unseen?.Where(u => u.Row == i).ToList());
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return output.WrittenMemory;
    }

    /// <summary>The longest answer of one plain BMU: <c>{"bmu_x":</c>, an int, <c>,"bmu_y":</c>, an int,
    /// <c>,"distance":</c>, a float (at most 15 characters in its shortest form), <c>}</c> and a comma.</summary>
    private const int MaxPlainBmuBytes = 9 + 11 + 9 + 11 + 12 + 16 + 2;

    /// <summary>
    /// <see cref="WriteBatch"/>'s answer when each BMU is only its column, row and distance, written
    /// straight into bytes: the same bytes as the <see cref="Utf8JsonWriter"/> path (numbers through
    /// <see cref="Utf8Formatter"/>, as the writer formats them), without its per-value checks. Null
    /// when a distance is not finite, which only the writer's path refuses as it always did.
    /// </summary>
    private static ReadOnlyMemory<byte>? TryWritePlainBatch(ReadOnlySpan<Bmu> bmus)
    {
        var output = GC.AllocateUninitializedArray<byte>((bmus.Length * MaxPlainBmuBytes) + 16);
        var at = 0;
        "{\"results\":["u8.CopyTo(output);
        at += 12;
        for (var i = 0; i < bmus.Length; i++)
        {
            var bmu = bmus[i];
            if (!float.IsFinite(bmu.Distance))
            {
                return null;
            }

            var span = output.AsSpan(at);
            var head = i == 0 ? "{\"bmu_x\":"u8 : ",{\"bmu_x\":"u8;
            head.CopyTo(span);
            var n = head.Length;
            Utf8Formatter.TryFormat(bmu.X, span[n..], out var written);
            n += written;
            ",\"bmu_y\":"u8.CopyTo(span[n..]);
            n += 9;
            Utf8Formatter.TryFormat(bmu.Y, span[n..], out written);
            n += written;
            ",\"distance\":"u8.CopyTo(span[n..]);
            n += 12;
            Utf8Formatter.TryFormat(bmu.Distance, span[n..], out written);
            n += written;
            span[n++] = (byte)'}';
            at += n;
        }

        "]}"u8.CopyTo(output.AsSpan(at));
        return output.AsMemory(0, at + 2);
    }

    /// <summary>One BMU; with a model that keeps them, its node's label and confidence, target and
    /// spread, and segment.</summary>
    private static void WriteBmu(Utf8JsonWriter writer, Bmu bmu, SomModel? model, IReadOnlyList<UnseenCategory>? unseen = null)
    {
        writer.WriteStartObject();
        writer.WriteNumber("bmu_x"u8, bmu.X);
        writer.WriteNumber("bmu_y"u8, bmu.Y);
        writer.WriteNumber("distance"u8, bmu.Distance);
        if (model?.Labels is { } labels)
        {
            writer.WriteString("label"u8, labels.LabelOf(bmu.Index));
            writer.WriteNumber("label_confidence"u8, labels.ConfidenceOf(bmu.Index));
        }

        if (model?.Targets is { } targets)
        {
            writer.WriteNumber("target"u8, targets.TargetOf(bmu.Index));
            writer.WriteNumber("target_spread"u8, targets.SpreadOf(bmu.Index));
        }

        if (model?.Segments is { } segments)
        {
            writer.WriteNumber("segment"u8, segments.SegmentOf(bmu.Index));
        }

        if (unseen is { Count: > 0 })
        {
            writer.WriteStartObject("unseen_categories"u8);
            foreach (var u in unseen)
            {
                writer.WriteString(u.Column, u.Value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads one vector of exactly <paramref name="destination"/>.Length numbers; null when
    /// fine, else the reason.</summary>
    public static string? ReadVector(ReadOnlySpan<byte> json, Span<float> destination, string features)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!FindData(ref reader, out var problem))
            {
                return problem;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return "\"data\" must be an array of numbers, such as {\"data\": [0.2, 0.5, 0.8]}.";
            }

            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (!ReadNumber(ref reader, out var value))
                {
                    return NotANumber(ref reader, $"data[{count}]");
                }

                if (count < destination.Length)
                {
                    destination[count] = value;
                }

                count++;
            }

            return count == 0
                ? $"\"data\" is empty; the model expects {features} values."
                : count != destination.Length
                    ? $"\"data\" has {count} value{(count == 1 ? "" : "s")}; the model expects {features}."
                    : Finish(ref reader);
        }
        catch (JsonException e)
        {
            return $"The body is not valid JSON: {e.Message}";
        }
    }

    /// <summary>Reads vectors of <paramref name="dimension"/> numbers each into a new row-major array.</summary>
    public static string? ReadMatrix(ReadOnlySpan<byte> json, int dimension, string features, int maxRows, out float[] values, out int rows)
    {
        if (TryReadPlainMatrix(json, dimension, maxRows, out values, out rows))
        {
            return null;
        }

        values = [];
        rows = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!FindData(ref reader, out var problem))
            {
                return problem;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return "\"data\" must be an array of vectors, such as {\"data\": [[0.2, 0.5, 0.8], [0.1, 0.9, 0.3]]}.";
            }

            var buffer = new float[Math.Min(json.Length / 2 + dimension, 1 << 20)];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return $"data[{rows}] is not an array of numbers.";
                }

                if (rows == maxRows)
                {
                    return $"\"data\" has more than {maxRows} vectors, the most one request may hold.";
                }

                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!ReadNumber(ref reader, out var value))
                    {
                        return NotANumber(ref reader, $"data[{rows}][{count}]");
                    }

                    if (count < dimension)
                    {
                        var at = rows * dimension + count;
                        if (at >= buffer.Length)
                        {
                            Array.Resize(ref buffer, buffer.Length * 2);
                        }

                        buffer[at] = value;
                    }

                    count++;
                }

                if (count != dimension)
                {
                    return $"data[{rows}] has {count} value{(count == 1 ? "" : "s")}; the model expects {features}.";
                }

                rows++;
            }

            if (rows == 0)
            {
                return "\"data\" is empty; give at least one vector.";
            }

            values = buffer;
            return Finish(ref reader);
        }
        catch (JsonException e)
        {
            return $"The body is not valid JSON: {e.Message}";
        }
    }

    /// <summary>
    /// The common batch, read in one pass over the bytes: exactly <c>{"data":[[…],…]}</c> (JSON
    /// whitespace anywhere between tokens), at most <paramref name="maxRows"/> vectors of
    /// <paramref name="dimension"/> values, each <c>null</c> or a plain decimal that
    /// <see cref="TryParseShortDecimal"/> reads (valid JSON: no leading zero, digits after a point, at
    /// most 15 digits, no exponent). False for any other body, valid or not, which the general reader
    /// then reads or refuses: so a body this accepts gets the general reader's values, bit for bit.
    /// </summary>
    internal static bool TryReadPlainMatrix(ReadOnlySpan<byte> json, int dimension, int maxRows, out float[] values, out int rows)
    {
        values = [];
        rows = 0;
        var i = SkipSpace(json, 0);
        if (!Take(json, ref i, (byte)'{') || !json[i..].StartsWith("\"data\""u8))
        {
            return false;
        }

        i = SkipSpace(json, i + 6);
        if (!Take(json, ref i, (byte)':') || !Take(json, ref i, (byte)'['))
        {
            return false;
        }

        // Each value takes at least two bytes (a digit and a separator).
        var buffer = GC.AllocateUninitializedArray<float>(Math.Max(dimension, Math.Min((json.Length / 2) + dimension, 1 << 20)));
        var at = 0;
        while (true)
        {
            if (rows == maxRows || !Take(json, ref i, (byte)'['))
            {
                return false;
            }

            if (at + dimension > buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            for (var f = 0; f < dimension; f++)
            {
                if (f > 0 && !Take(json, ref i, (byte)','))
                {
                    return false;
                }

                if (!TakeValue(json, ref i, out buffer[at + f]))
                {
                    return false;
                }
            }

            if (!Take(json, ref i, (byte)']'))
            {
                return false;
            }

            at += dimension;
            rows++;
            if (i < json.Length && json[i] == (byte)',')
            {
                i = SkipSpace(json, i + 1);
                continue;
            }

            break;
        }

        if (!Take(json, ref i, (byte)']') || !Take(json, ref i, (byte)'}') || i != json.Length)
        {
            rows = 0;
            return false;
        }

        values = buffer;
        return true;
    }

    /// <summary>Whether <paramref name="token"/> is at <paramref name="i"/>; if so, moves past it and
    /// the whitespace after it.</summary>
    private static bool Take(ReadOnlySpan<byte> json, ref int i, byte token)
    {
        if (i >= json.Length || json[i] != token)
        {
            return false;
        }

        i = SkipSpace(json, i + 1);
        return true;
    }

    /// <summary>The first position from <paramref name="i"/> that is not JSON whitespace.</summary>
    private static int SkipSpace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>A <c>null</c> (NaN, a missing value) or a plain decimal at <paramref name="i"/>, valid
    /// JSON and within <see cref="TryParseShortDecimal"/>'s reach, as <see cref="ReadNumber"/> reads it;
    /// moves past it and the whitespace after it. False for anything else.</summary>
    private static bool TakeValue(ReadOnlySpan<byte> json, ref int i, out float value)
    {
        value = 0;
        var start = i;
        if (json[start..].StartsWith("null"u8))
        {
            i += 4;
            value = float.NaN;
        }
        else
        {
            if (i < json.Length && json[i] == (byte)'-')
            {
                i++;
            }

            var digits = i;
            while (i < json.Length && json[i] - (uint)'0' <= 9)
            {
                i++;
            }

            // JSON's integer part: one digit or more, no leading zero.
            if (i == digits || (json[digits] == (byte)'0' && i - digits > 1))
            {
                return false;
            }

            if (i < json.Length && json[i] == (byte)'.')
            {
                var fraction = ++i;
                while (i < json.Length && json[i] - (uint)'0' <= 9)
                {
                    i++;
                }

                if (i == fraction)
                {
                    return false;
                }
            }

            if (!TryParseShortDecimal(json[start..i], out var number))
            {
                return false;
            }

            value = (float)number;
        }

        // The value must end here: a separator, a bracket or whitespace (an exponent, a letter or
        // anything else goes to the general reader).
        if (i < json.Length && json[i] is not ((byte)',' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return false;
        }

        i = SkipSpace(json, i);
        return true;
    }

    /// <summary>Moves the reader to the value of the top-level "data" property.</summary>
    private static bool FindData(ref Utf8JsonReader reader, out string? problem)
    {
        problem = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            problem = "The body must be a JSON object with a \"data\" array.";
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isData = reader.ValueTextEquals("data"u8);
            reader.Read();
            if (isData)
            {
                return true;
            }

            reader.Skip();
        }

        problem = "The body has no \"data\" property.";
        return false;
    }

    /// <summary>The current token as a finite float, or NaN for <c>null</c> (a missing value); false
    /// when it is neither (the message is made
    /// only then, by <see cref="NotANumber"/>, so the common case builds no strings).</summary>
    private static bool ReadNumber(ref Utf8JsonReader reader, out float value)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            value = float.NaN; // a missing value
            return true;
        }

        if (reader.TokenType == JsonTokenType.Number && !reader.HasValueSequence && TryParseShortDecimal(reader.ValueSpan, out var quick))
        {
            value = (float)quick;
            return true;
        }

        // Parsed as a float, so that a float written as its shortest decimal (3.4028235E+38 for the
        // largest) reads back as itself.
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetSingle(out var f) && float.IsFinite(f))
        {
            value = f;
            return true;
        }

        value = 0;
        return false;
    }

    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// The double nearest a plain decimal such as <c>-0.123456</c> (no exponent, at most 15 digits),
    /// computed as mantissa / 10^k: both are exact doubles (below 2^53 and 10^22), so the one division
    /// rounds correctly and the result equals <see cref="double.Parse(string)"/>'s (Clinger's fast path).
    /// False for anything else, which the general parser then reads.
    /// </summary>
    internal static bool TryParseShortDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = 0;
        var negative = text.Length > 0 && text[0] == (byte)'-';
        if (negative)
        {
            i = 1;
        }

        long mantissa = 0;
        var digits = 0;
        var fraction = -1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                if (++digits > 15)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + (c - '0');
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (c == (byte)'.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        var result = fraction > 0 ? mantissa / PowersOfTen[fraction] : mantissa;
        value = negative ? -result : result;
        return true;
    }

    /// <summary>Why the current token is not a usable number, naming where it is.</summary>
    private static string NotANumber(ref Utf8JsonReader reader, string where)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return $"{where} is out of range; every value must be a finite 32-bit float.";
        }

        return reader.TokenType == JsonTokenType.String && (reader.ValueTextEquals("NaN"u8) || reader.ValueTextEquals("Infinity"u8) || reader.ValueTextEquals("-Infinity"u8))
            ? $"{where} is {reader.GetString()}; every value must be a finite number."
            : $"{where} is not a number.";
    }

    /// <summary>Reads to the end, so that trailing garbage is refused too.</summary>
    private static string? Finish(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("data"u8))
            {
                // JSON leaves a repeated name to the reader; taking one of the two silently would guess.
                return "The body has \"data\" more than once; give the vectors once.";
            }

            reader.Skip();
        }

        return null;
    }
}
