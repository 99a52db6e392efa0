using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
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
/// made by training), <c>distance</c> (only when not euclidean: manhattan | cosine, the BMU search's
/// distance), <c>training_history</c> (optional: a JSON array of the measured steps),
/// <c>data_sha256</c> (hex SHA-256 of all tensor bytes), <c>metadata_sha256</c> (hex SHA-256 of every
/// other metadata entry, sorted by key, each as key, 0, value, 0), <c>library</c>.</para>
/// <para>Optional, only when the model keeps them: <c>labels.weights</c> F32 [height, width, classes]
/// with <c>label_classes</c> (a JSON array, natural order); <c>target.mean</c>, <c>target.spread</c>,
/// <c>target.count</c> F32 [height, width] with <c>target_name</c>; <c>segments</c> F32
/// [height, width] (whole numbers) with <c>segment_method</c> (kmeans | ward).</para>
/// <para>Reading refuses, with a message that names the file and says which: a file that is not
/// regular (a FIFO, a device), not safetensors, a safetensors file that is not a Kohonen model, a
/// newer format version, a truncated file, a header that is not UTF-8 JSON or repeats a key, a shape
/// too large to exist, tensors whose shapes disagree with the metadata, a feature name with a control
/// character, and metadata or tensor bytes that do not match their checksums. A file without
/// <c>metadata_sha256</c> (an older writer's) loads when its metadata holds only the keys older
/// versions wrote.</para>
/// <para>Saving writes a temporary file and renames it into place. The same model gives the same
/// bytes.</para>
/// </remarks>
public static partial class SomFile
{
    /// <summary>The value of <c>__metadata__.format</c>.</summary>
    public const string FormatName = "kohonen.som";

    /// <summary>The format version this build writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The format version written for a model with a <see cref="SomModel.Encoder"/>
    /// (categories or feature weights); a model without one is written as
    /// <see cref="FormatVersion"/>. This build reads both.</summary>
    public const int EncoderFormatVersion = 2;

    /// <summary>The largest header (the JSON after the first 8 bytes) a file may have: 100 MiB.</summary>
    internal const long MaxHeaderBytes = 100 << 20;

    /// <summary>The metadata key of the metadata's own checksum.</summary>
    internal const string MetadataChecksumKey = "metadata_sha256";

    /// <summary>The metadata keys a file written before <c>metadata_sha256</c> may hold.</summary>
    private static readonly HashSet<string> OlderKeys = new(StringComparer.Ordinal)
    {
        "format", "format_version", "library", "width", "height", "dim", "topology", "toroidal",
        "feature_names", "scaler", "options", "training_history", "data_sha256",
    };

    /// <summary>The largest model file read: the largest array .NET holds.</summary>
    internal static readonly long MaxFileBytes = Array.MaxLength;

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
        using var stream = SafeFile.OpenRead(path, MaxFileBytes, reason => new SomFormatException(path, reason));

        // The first bytes decide whether the file is a model at all before the rest is read.
        Span<byte> prefix = stackalloc byte[9];
        var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        CheckPrefix(prefix[..got], stream.Length, path);
        var file = new byte[stream.Length];
        prefix[..got].CopyTo(file);
        var read = got + stream.ReadAtLeast(file.AsSpan(got), file.Length - got, throwOnEndOfStream: false);
        return FromBytes(file.AsSpan(0, read), path);
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
            var metadata = new List<KeyValuePair<string, string>>
            {
                new("format", FormatName),
                new("format_version", FormatVersionOf(model).ToString(CultureInfo.InvariantCulture)),
                new("library", $"Kohonen for .NET {typeof(SomFile).Assembly.GetName().Version?.ToString(3)}"),
                new("width", model.Width.ToString(CultureInfo.InvariantCulture)),
                new("height", model.Height.ToString(CultureInfo.InvariantCulture)),
                new("dim", dim.ToString(CultureInfo.InvariantCulture)),
                new("topology", OptionText.ToText(model.Grid.Topology)),
                new("toroidal", model.Grid.Toroidal ? "true" : "false"),
                new("feature_names", JsonSerializer.Serialize(model.FeatureNames, SomFileJsonContext.Default.IReadOnlyListString)),
                new("scaler", OptionText.ToText(model.Scaler?.Kind ?? Scaling.None)),
                new("options", model.Options is null ? "null" : SomOptionsJson.Write(model.Options)),
            };
            AddDistanceMetadata(model, metadata);
            if (model.History.Count > 0)
            {
                metadata.Add(new("training_history", SomOptionsJson.WriteHistory(model.History)));
            }

            AddKeptMetadata(model, metadata);
            AddEncoderMetadata(model, metadata);
            metadata.Add(new("data_sha256", Convert.ToHexStringLower(SHA256.HashData(data))));
            metadata.Add(new(MetadataChecksumKey, MetadataChecksum(metadata)));
            w.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata)
            {
                w.WriteString(key, value);
            }

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
        CheckPrefix(file[..Math.Min(file.Length, 9)], file.Length, sourceName);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var headerBytes = file.Slice(8, headerLength);
        var data = file[(8 + headerLength)..];
        if (!Utf8.IsValid(headerBytes))
        {
            throw new SomFormatException(sourceName, "the header is not valid UTF-8; the file is damaged or not a model.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new SomFormatException(sourceName, $"the header is not valid JSON ({Printable(e.Message)}); the file is damaged or not a model.");
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
                throw new SomFormatException(sourceName, $"a safetensors file, but not a Kohonen model (format '{Printable(format ?? "missing")}', expected '{FormatName}').");
            }

            if (!int.TryParse(Text(meta, "format_version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new SomFormatException(sourceName, "the format version is missing or not a whole number.");
            }

            if (version is < FormatVersion or > EncoderFormatVersion)
            {
                throw new SomFormatException(sourceName, version > EncoderFormatVersion
                    ? $"written in model format {version} by a newer version; this build reads formats {FormatVersion} and {EncoderFormatVersion}. Upgrade to load it."
                    : $"model format {version} is not supported; this build reads formats {FormatVersion} and {EncoderFormatVersion}.");
            }

            CheckMetadata(meta, sourceName);
            var width = Number(meta, "width", sourceName);
            var height = Number(meta, "height", sourceName);
            var dim = Number(meta, "dim", sourceName);
            if (!OptionText.TryParse<Topology>(Text(meta, "topology"), out var topology))
            {
                throw new SomFormatException(sourceName, $"unknown topology '{Printable(Text(meta, "topology") ?? "missing")}'.");
            }

            var toroidal = Text(meta, "toroidal") switch
            {
                "true" => true,
                "false" => false,
                var other => throw new SomFormatException(sourceName, $"toroidal must be 'true' or 'false'; got '{Printable(other ?? "missing")}'."),
            };
            if (!OptionText.TryParse<Scaling>(Text(meta, "scaler"), out var scaling))
            {
                throw new SomFormatException(sourceName, $"unknown scaler '{Printable(Text(meta, "scaler") ?? "missing")}'.");
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
                    throw new SomFormatException(sourceName, $"tensor '{Printable(name)}' starts at byte {start}, expected {expected}; the header is damaged.");
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
            else if (version >= EncoderFormatVersion && tensors.ContainsKey("scaler.factor"))
            {
                scaler = ReadWeights(tensors, data, dim, sourceName);
            }

            var encoder = ReadEncoder(meta, version, sourceName);

            IReadOnlyList<string>? names;
            SomOptions? options;
            IReadOnlyList<TrainingStep>? history;
            try
            {
                names = JsonSerializer.Deserialize(Text(meta, "feature_names") ?? "null", SomFileJsonContext.Default.IReadOnlyListString);
                CheckNames(names, sourceName);
                var optionsText = Text(meta, "options");
                options = optionsText is null or "null" ? null : SomOptionsJson.Read(optionsText);
                history = Text(meta, "training_history") is { } historyText ? SomOptionsJson.ReadHistory(historyText) : null;
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                throw new SomFormatException(sourceName, $"the metadata is damaged: {Printable(e.Message)}");
            }

            options = ReadDistance(meta, options, sourceName);
            var grid = Wrap(() => new Grid(width, height, topology, toroidal), sourceName, "grid");
            var model = Wrap(() => new SomModel(grid, dim, codebook, names, scaler, options, history) { Encoder = encoder }, sourceName, "model");
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
                throw new SomFormatException(sourceName, $"tensor '{Printable(p.Name)}' has dtype {Printable(dtype ?? "missing")}; only F32 is used.");
            }

            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (shape.Any(s => s < 0) || offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            {
                throw new SomFormatException(sourceName, $"tensor '{Printable(p.Name)}' has offsets that do not match its shape; the header is damaged.");
            }

            // Checked: a shape whose byte count does not fit 64 bits is refused, not wrapped around.
            long bytes;
            try
            {
                bytes = checked(shape.Aggregate(1L, (a, b) => a * b) * 4);
            }
            catch (OverflowException)
            {
                throw new SomFormatException(sourceName, $"tensor '{Printable(p.Name)}' has shape [{string.Join(", ", shape)}], too large for any file; the header is damaged.");
            }

            if (offsets[1] - offsets[0] != bytes)
            {
                throw new SomFormatException(sourceName, $"tensor '{Printable(p.Name)}' has offsets that do not match its shape; the header is damaged.");
            }

            return (offsets[0], offsets[1], shape);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SomFormatException(sourceName, $"tensor '{Printable(p.Name)}' is not described correctly ({Printable(e.Message)}).");
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

    /// <summary>
    /// The metadata's own checksum: SHA-256 over every other <c>__metadata__</c> entry in ordinal key
    /// order, each as its UTF-8 key, a 0 byte, its UTF-8 value, a 0 byte. With <c>data_sha256</c>
    /// among them, it covers the tensors too.
    /// </summary>
    private static string MetadataChecksum(IEnumerable<KeyValuePair<string, string>> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in entries.Where(e => e.Key != MetadataChecksumKey).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            hash.AppendData([0]);
            hash.AppendData(Encoding.UTF8.GetBytes(value));
            hash.AppendData([0]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Every metadata value must be a string. A file with <c>metadata_sha256</c> must match it; an
    /// older file without one may hold only the keys older versions wrote, so that a damaged key
    /// (a flipped bit in <c>feature_names</c>) is not silently taken for an absent one.
    /// </summary>
    private static void CheckMetadata(JsonElement meta, string sourceName)
    {
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var p in meta.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
            {
                throw new SomFormatException(sourceName, $"metadata '{Printable(p.Name)}' is not a string; the header is damaged.");
            }

            entries.Add(new(p.Name, p.Value.GetString()!));
        }

        var stored = entries.FirstOrDefault(e => e.Key == MetadataChecksumKey).Value;
        if (stored is not null)
        {
            if (!string.Equals(stored, MetadataChecksum(entries), StringComparison.Ordinal))
            {
                throw new SomFormatException(sourceName, "the metadata does not match its checksum (metadata_sha256); the file was altered or damaged.");
            }

            return;
        }

        var unknown = entries.FirstOrDefault(e => !OlderKeys.Contains(e.Key)).Key;
        if (unknown is not null)
        {
            throw new SomFormatException(sourceName,
                $"unknown metadata key '{Printable(unknown)}' in a file without metadata_sha256; the header is damaged.");
        }
    }

    /// <summary>Refuses, before the rest of a file is read, one that does not start like a model: the
    /// 8-byte header length must be plausible and fit the file, and the header must open with '{'.</summary>
    private static void CheckPrefix(ReadOnlySpan<byte> prefix, long fileLength, string sourceName)
    {
        const string NotSafetensors = "not a Kohonen model file (.som): it does not start with a safetensors header";
        if (prefix.Length < 8)
        {
            throw new SomFormatException(sourceName, $"{NotSafetensors} (only {fileLength} bytes).");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength < 2 || headerLength > MaxHeaderBytes)
        {
            throw new SomFormatException(sourceName, $"{NotSafetensors}.");
        }

        if (prefix.Length < 9 || prefix[8] != (byte)'{')
        {
            throw new SomFormatException(sourceName, prefix.Length < 9 ? "the file is truncated inside its header." : $"{NotSafetensors}.");
        }

        if ((ulong)fileLength - 8 < headerLength)
        {
            throw new SomFormatException(sourceName, $"the file is truncated: its header needs {headerLength} bytes, {fileLength - 8} are there.");
        }
    }

    /// <summary>A name as it may be printed: control characters become \uXXXX escapes.</summary>
    internal static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }

    private static void CheckNames(IReadOnlyList<string>? names, string sourceName)
    {
        for (var i = 0; names is not null && i < names.Count; i++)
        {
            if (names[i] is null)
            {
                throw new SomFormatException(sourceName, $"feature name {i + 1} is null; the metadata is damaged.");
            }

            if (names[i].Any(char.IsControl))
            {
                throw new SomFormatException(sourceName, $"feature name {i + 1} ('{Printable(names[i])}') contains a control character; names may not.");
            }
        }
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
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new SomFormatException(sourceName, $"the {what} it describes is not valid: {Printable(message)}");
        }
    }
}
