using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Kohonen;

/// <summary>
/// The <c>.som</c> model file, in the safetensors layout so that Python's <c>safetensors</c> package
/// reads it: an 8-byte little-endian header length N, N bytes of JSON header (padded with spaces to a
/// multiple of 8), then the raw little-endian tensors back to back.
/// </summary>
/// <remarks>
/// <para>Tensors: <c>codebook</c> F32 [height, width, dim]; with a scaler also <c>scaler.offset</c>
/// and <c>scaler.factor</c>, F32 [dim] (x' = (x − offset)·factor).</para>
/// <para><c>__metadata__</c> (all strings, as safetensors requires): <c>format</c> = "kohonen.som",
/// <c>format_version</c> = "1", <c>width</c>, <c>height</c>, <c>dim</c>, <c>topology</c>
/// (rectangular | hexagonal), <c>toroidal</c> (true | false), <c>feature_names</c> (a JSON array),
/// <c>scaler</c> (none | minmax | zscore), <c>options</c> (a JSON object, or "null" for a map not
/// made by training), <c>training_history</c> (optional: a JSON array of the measured steps),
/// <c>data_sha256</c> (hex SHA-256 of all tensor bytes), <c>library</c>.</para>
/// <para>Optional, only when the model keeps them: <c>labels.weights</c> F32 [height, width, classes]
/// with <c>label_classes</c> (a JSON array, natural order); <c>target.mean</c>, <c>target.spread</c>,
/// <c>target.count</c> F32 [height, width] with <c>target_name</c>; <c>segments</c> F32
/// [height, width] (whole numbers) with <c>segment_method</c> (kmeans | ward).</para>
/// <para>Reading refuses, with a message that says which: a file that is not safetensors, a
/// safetensors file that is not a Kohonen model, a newer format version, a truncated file, tensors
/// whose shapes disagree with the metadata, and tensor bytes that do not match the checksum.</para>
/// <para>Saving writes a temporary file and renames it into place. The same model gives the same
/// bytes.</para>
/// </remarks>
public static partial class SomFile
{
    /// <summary>The value of <c>__metadata__.format</c>.</summary>
    public const string FormatName = "kohonen.som";

    /// <summary>The format version this build writes and reads.</summary>
    public const int FormatVersion = 1;

    private const long MaxHeaderBytes = 100 << 20;

    /// <summary>Saves the model to <paramref name="path"/> (usually <c>.som</c>), atomically: the bytes of
    /// <see cref="ToBytes"/> go to a temporary file beside it, which is then renamed over it.</summary>
    /// <exception cref="IOException">The file cannot be written; an existing file is left as it was.</exception>
    public static void Save(SomModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var bytes = ToBytes(model);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Loads a model from a file.</summary>
    /// <exception cref="SomFormatException">The file is not a readable model.</exception>
    public static SomModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>The file's bytes: the same model always gives the same bytes.</summary>
    public static byte[] ToBytes(SomModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var dim = model.Dimension;
        var tensors = new List<(string Name, int[] Shape, float[] Values)>
        {
            ("codebook", [model.Height, model.Width, dim], model.Codebook.ToArray()),
        };
        if (model.Scaler is { } scaler)
        {
            tensors.Add(("scaler.offset", [dim], scaler.Offset.ToArray()));
            tensors.Add(("scaler.factor", [dim], scaler.Factor.ToArray()));
        }

        AddKeptTensors(model, tensors);

        var data = new byte[tensors.Sum(t => (long)t.Values.Length * 4)];
        var offset = 0;
        foreach (var (_, _, values) in tensors)
        {
            foreach (var v in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(offset, 4), v);
                offset += 4;
            }
        }

        using var headerBuffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(headerBuffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("__metadata__");
            w.WriteString("format", FormatName);
            w.WriteString("format_version", FormatVersion.ToString(CultureInfo.InvariantCulture));
            w.WriteString("library", $"Kohonen for .NET {typeof(SomFile).Assembly.GetName().Version?.ToString(3)}");
            w.WriteString("width", model.Width.ToString(CultureInfo.InvariantCulture));
            w.WriteString("height", model.Height.ToString(CultureInfo.InvariantCulture));
            w.WriteString("dim", dim.ToString(CultureInfo.InvariantCulture));
            w.WriteString("topology", OptionText.ToText(model.Grid.Topology));
            w.WriteString("toroidal", model.Grid.Toroidal ? "true" : "false");
            w.WriteString("feature_names", JsonSerializer.Serialize(model.FeatureNames, SomFileJsonContext.Default.IReadOnlyListString));
            w.WriteString("scaler", OptionText.ToText(model.Scaler?.Kind ?? Scaling.None));
            w.WriteString("options", model.Options is null ? "null" : SomOptionsJson.Write(model.Options));
            if (model.History.Count > 0)
            {
                w.WriteString("training_history", SomOptionsJson.WriteHistory(model.History));
            }

            WriteKeptMetadata(model, w);

            w.WriteString("data_sha256", Convert.ToHexStringLower(SHA256.HashData(data)));
            w.WriteEndObject();
            long start = 0;
            foreach (var (name, shape, values) in tensors)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (var s in shape)
                {
                    w.WriteNumberValue(s);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(start);
                w.WriteNumberValue(start + ((long)values.Length * 4));
                w.WriteEndArray();
                w.WriteEndObject();
                start += (long)values.Length * 4;
            }

            w.WriteEndObject();
        }

        var header = headerBuffer.ToArray();
        var padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    /// <summary>Reads a model from the bytes of a file; <paramref name="sourceName"/> names it in
    /// messages.</summary>
    /// <exception cref="SomFormatException">The bytes are not a readable model.</exception>
    public static SomModel FromBytes(ReadOnlySpan<byte> file, string sourceName)
    {
        const string NotSafetensors = "not a Kohonen model file (.som): it does not start with a safetensors header";
        if (file.Length < 8)
        {
            throw new SomFormatException(sourceName, $"{NotSafetensors} (only {file.Length} bytes).");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength < 2 || headerLength > MaxHeaderBytes)
        {
            throw new SomFormatException(sourceName, $"{NotSafetensors}.");
        }

        if (file.Length < 9 || file[8] != (byte)'{')
        {
            throw new SomFormatException(sourceName, file.Length < 9 ? "the file is truncated inside its header." : $"{NotSafetensors}.");
        }

        if ((ulong)file.Length - 8 < headerLength)
        {
            throw new SomFormatException(sourceName, $"the file is truncated: its header needs {headerLength} bytes, {file.Length - 8} are there.");
        }

        var headerBytes = file.Slice(8, (int)headerLength);
        var data = file[(8 + (int)headerLength)..];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes.ToArray());
        }
        catch (JsonException e)
        {
            throw new SomFormatException(sourceName, $"the header is not valid JSON ({e.Message}); the file is damaged or not a model.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("__metadata__", out var meta) || meta.ValueKind != JsonValueKind.Object)
            {
                throw new SomFormatException(sourceName, "a safetensors file without Kohonen metadata; it is not a .som model.");
            }

            var format = Text(meta, "format");
            if (format != FormatName)
            {
                throw new SomFormatException(sourceName, $"a safetensors file, but not a Kohonen model (format '{format ?? "missing"}', expected '{FormatName}').");
            }

            if (!int.TryParse(Text(meta, "format_version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new SomFormatException(sourceName, "the format version is missing or not a whole number.");
            }

            if (version != FormatVersion)
            {
                throw new SomFormatException(sourceName, version > FormatVersion
                    ? $"written in model format {version} by a newer version; this build reads format {FormatVersion}. Upgrade to load it."
                    : $"model format {version} is not supported; this build reads format {FormatVersion}.");
            }

            var width = Number(meta, "width", sourceName);
            var height = Number(meta, "height", sourceName);
            var dim = Number(meta, "dim", sourceName);
            if (!OptionText.TryParse<Topology>(Text(meta, "topology"), out var topology))
            {
                throw new SomFormatException(sourceName, $"unknown topology '{Text(meta, "topology")}'.");
            }

            var toroidal = Text(meta, "toroidal") switch
            {
                "true" => true,
                "false" => false,
                var other => throw new SomFormatException(sourceName, $"toroidal must be 'true' or 'false'; got '{other}'."),
            };
            if (!OptionText.TryParse<Scaling>(Text(meta, "scaler"), out var scaling))
            {
                throw new SomFormatException(sourceName, $"unknown scaler '{Text(meta, "scaler")}'.");
            }

            // Tensors: every entry but the metadata, which must tile the data section exactly.
            var tensors = new Dictionary<string, (long Start, long End, int[] Shape)>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    continue;
                }

                tensors[p.Name] = ReadTensorEntry(p, sourceName);
            }

            var ordered = tensors.OrderBy(t => t.Value.Start).ToList();
            long expected = 0;
            foreach (var (name, (start, end, _)) in ordered)
            {
                if (start != expected)
                {
                    throw new SomFormatException(sourceName, $"tensor '{name}' starts at byte {start}, expected {expected}; the header is damaged.");
                }

                expected = end;
            }

            if (data.Length < expected)
            {
                throw new SomFormatException(sourceName, $"the file is truncated: the tensors need {expected} bytes after the header, {data.Length} are there.");
            }

            if (data.Length > expected)
            {
                throw new SomFormatException(sourceName, $"{data.Length - expected} unexpected bytes after the tensors; the file is damaged.");
            }

            var checksum = Text(meta, "data_sha256");
            if (checksum is null || !string.Equals(checksum, Convert.ToHexStringLower(SHA256.HashData(data)), StringComparison.Ordinal))
            {
                throw new SomFormatException(sourceName, "the tensor bytes do not match the checksum in the header; the file was altered or damaged.");
            }

            var codebook = Tensor(tensors, data, "codebook", [height, width, dim], sourceName);
            FeatureScaler? scaler = null;
            if (scaling != Scaling.None)
            {
                var offset = Tensor(tensors, data, "scaler.offset", [dim], sourceName);
                var factor = Tensor(tensors, data, "scaler.factor", [dim], sourceName);
                scaler = Wrap(() => new FeatureScaler(scaling, offset, factor), sourceName, "scaler");
            }

            IReadOnlyList<string>? names;
            SomOptions? options;
            IReadOnlyList<TrainingStep>? history;
            try
            {
                names = JsonSerializer.Deserialize(Text(meta, "feature_names") ?? "null", SomFileJsonContext.Default.IReadOnlyListString);
                var optionsText = Text(meta, "options");
                options = optionsText is null or "null" ? null : SomOptionsJson.Read(optionsText);
                history = Text(meta, "training_history") is { } historyText ? SomOptionsJson.ReadHistory(historyText) : null;
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                throw new SomFormatException(sourceName, $"the metadata is damaged: {e.Message}");
            }

            var grid = Wrap(() => new Grid(width, height, topology, toroidal), sourceName, "grid");
            var model = Wrap(() => new SomModel(grid, dim, codebook, names, scaler, options, history), sourceName, "model");
            return ReadKept(model, meta, tensors, data, sourceName);
        }
    }

    private static (long Start, long End, int[] Shape) ReadTensorEntry(JsonProperty p, string sourceName)
    {
        try
        {
            var dtype = p.Value.GetProperty("dtype").GetString();
            if (dtype != "F32")
            {
                throw new SomFormatException(sourceName, $"tensor '{p.Name}' has dtype {dtype}; only F32 is used.");
            }

            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var count = shape.Aggregate(1L, (a, b) => a * b);
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] - offsets[0] != count * 4 || shape.Any(s => s < 0))
            {
                throw new SomFormatException(sourceName, $"tensor '{p.Name}' has offsets that do not match its shape; the header is damaged.");
            }

            return (offsets[0], offsets[1], shape);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SomFormatException(sourceName, $"tensor '{p.Name}' is not described correctly ({e.Message}).");
        }
    }

    private static float[] Tensor(Dictionary<string, (long Start, long End, int[] Shape)> tensors, ReadOnlySpan<byte> data, string name, int[] shape, string sourceName)
    {
        if (!tensors.TryGetValue(name, out var t))
        {
            throw new SomFormatException(sourceName, $"the tensor '{name}' is missing.");
        }

        if (!t.Shape.SequenceEqual(shape))
        {
            throw new SomFormatException(sourceName,
                $"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], but the metadata says [{string.Join(", ", shape)}].");
        }

        var bytes = data[(int)t.Start..(int)t.End];
        var values = new float[bytes.Length / 4];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
            }
        }

        return values;
    }

    private static string? Text(JsonElement meta, string key) =>
        meta.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Number(JsonElement meta, string key, string sourceName) =>
        int.TryParse(Text(meta, key), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new SomFormatException(sourceName, $"metadata '{key}' is missing or not a positive whole number.");

    private static T Wrap<T>(Func<T> build, string sourceName, string what)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw new SomFormatException(sourceName, $"the {what} it describes is not valid: {e.Message}");
        }
    }
}
