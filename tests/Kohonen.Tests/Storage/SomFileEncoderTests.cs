using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Kohonen.Tests.Data;

namespace Kohonen.Tests.Storage;

public sealed class SomFileEncoderTests
{
    private static readonly string[] Colours = ["red", "green", "red", "blue", "green", "red", "blue", "blue", "red", "green"];

    private static SomModel WithCategories(Scaling scaling)
    {
        var text = new Dictionary<string, IReadOnlyList<string?>> { ["colour"] = Colours };
        var encoder = FeatureEncoder.Fit(["size", "colour", "age"], [FeatureKind.Numeric, FeatureKind.Categorical, FeatureKind.Numeric], text, [2, 1.5, 1]);
        var numbers = DataMatrix.FromRows(TestData.Uniform(Colours.Length, 2, seed: 9), ["size", "age"]);
        return FeatureEncoderTests.Train(encoder.Encode(numbers, text), encoder, scaling);
    }

    private static JsonElement Metadata(byte[] file, out JsonDocument document)
    {
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        document = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, n));
        return document.RootElement.GetProperty("__metadata__");
    }

    [Theory]
    [InlineData(Scaling.None)]
    [InlineData(Scaling.MinMax)]
    [InlineData(Scaling.ZScore)]
    public void TheEncoderRoundTripsInAVersion2File(Scaling scaling)
    {
        var model = WithCategories(scaling);
        var bytes = SomFile.ToBytes(model);

        var back = SomFile.FromBytes(bytes, "m.som");

        var meta = Metadata(bytes, out var document);
        using (document)
        {
            Assert.Equal("2", meta.GetProperty("format_version").GetString());
            using var encoder = JsonDocument.Parse(meta.GetProperty("encoder").GetString()!);
            var columns = encoder.RootElement.GetProperty("columns").EnumerateArray().ToArray();
            Assert.Equal(["size", "colour", "age"], columns.Select(c => c.GetProperty("name").GetString()));
            Assert.Equal(["numeric", "categorical", "numeric"], columns.Select(c => c.GetProperty("kind").GetString()));
            Assert.Equal([2.0, 1.5, 1.0], columns.Select(c => c.GetProperty("weight").GetDouble()));
            Assert.Equal(["blue", "green", "red"], columns[1].GetProperty("categories").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal(2, SomFile.FormatVersionOf(model));
        Assert.Equal(bytes, SomFile.ToBytes(back));
        Assert.Equal(model.Codebook.ToArray(), back.Codebook.ToArray());
        Assert.Equal(["size", "colour = blue", "colour = green", "colour = red", "age"], back.FeatureNames);
        Assert.Equal(model.Encoder!.Categories, back.Encoder!.Categories);
        Assert.Equal(model.Encoder.Weights, back.Encoder.Weights);
        Assert.Equal(model.Encoder.Kinds, back.Encoder.Kinds);
        Assert.Equal(scaling, back.Scaler!.Kind);
        Assert.Equal(model.Scaler!.Factor.ToArray(), back.Scaler.Factor.ToArray());

        var numbers = new DataMatrix([0.3f, 0.6f], 1, 2, ["size", "age"]);
        var text = new Dictionary<string, IReadOnlyList<string?>> { ["colour"] = ["green"] };
        Assert.Equal(model.FindBmusWithCategories(numbers, text), back.FindBmusWithCategories(numbers, text));
    }

    [Fact]
    public void ANumericModelIsStillAVersion1FileThatLoadsAndSavesToTheSameBytes()
    {
        var model = new SomTrainer(FeatureEncoderTests.Options(Scaling.MinMax)).Fit(DataMatrix.FromRows(TestData.Uniform(20, 3, seed: 1), ["a", "b", "c"]));
        var bytes = SomFile.ToBytes(model);

        var meta = Metadata(bytes, out var document);
        using (document)
        {
            Assert.Equal("1", meta.GetProperty("format_version").GetString());
            Assert.False(meta.TryGetProperty("encoder", out _));
        }

        var back = SomFile.FromBytes(bytes, "m.som");
        Assert.Null(back.Encoder);
        Assert.Equal(1, SomFile.FormatVersionOf(back));
        Assert.Equal(bytes, SomFile.ToBytes(back));
    }

    [Fact]
    public void AVersion2FileWithoutItsEncoderIsRefused()
    {
        // A numeric file relabelled as version 2 (its checksums recomputed, as a writer would) lacks
        // the encoder that version 2 promises.
        var bytes = Rewrite(SomFile.ToBytes(new SomTrainer(FeatureEncoderTests.Options(Scaling.None)).Fit(DataMatrix.FromRows(TestData.Uniform(10, 2, 3)))), m => m["format_version"] = "2");

        var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(bytes, "m.som"));

        Assert.Contains("a format 2 file without its 'encoder' metadata", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADamagedEncoderIsRefused()
    {
        var bytes = Rewrite(SomFile.ToBytes(WithCategories(Scaling.MinMax)), m => m["encoder"] = "{\"columns\":[{\"name\":\"size\",\"kind\":\"ordinal\",\"weight\":1}]}");

        var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(bytes, "m.som"));

        Assert.Contains("the encoder metadata is damaged: encoder column 'size' has kind 'ordinal'; allowed: numeric, categorical.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEncoderInAVersion1FileIsRefused()
    {
        var bytes = Rewrite(SomFile.ToBytes(WithCategories(Scaling.MinMax)), m => m["format_version"] = "1");

        var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(bytes, "m.som"));

        Assert.Contains("a format 1 file with 'encoder' metadata", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The file with its metadata changed and metadata_sha256 recomputed by the documented
    /// rule (SHA-256 over the other entries sorted by key, each key, 0, value, 0).</summary>
    private static byte[] Rewrite(byte[] file, Action<SortedDictionary<string, string>> change)
    {
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var root = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, n)).RootElement;
        var meta = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in root.GetProperty("__metadata__").EnumerateObject())
        {
            meta[p.Name] = p.Value.GetString()!;
        }

        change(meta);
        meta.Remove("metadata_sha256");
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (key, value) in meta)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            hash.AppendData([0]);
            hash.AppendData(Encoding.UTF8.GetBytes(value));
            hash.AppendData([0]);
        }

        meta["metadata_sha256"] = Convert.ToHexStringLower(hash.GetHashAndReset());
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("__metadata__");
            foreach (var (key, value) in meta)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            foreach (var p in root.EnumerateObject().Where(p => p.Name != "__metadata__"))
            {
                p.WriteTo(w);
            }

            w.WriteEndObject();
        }

        var header = buffer.ToArray();
        var padded = (header.Length + 7) / 8 * 8;
        var data = file.AsSpan(8 + n);
        var result = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        header.CopyTo(result, 8);
        result.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(result.AsSpan(8 + padded));
        return result;
    }
}
