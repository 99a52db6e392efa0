using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Kohonen.Tests.Storage;

public sealed class SomFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("som-file-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SomModel Trained(Scaling scaling = Scaling.ZScore) =>
        new SomTrainer(new SomOptions
        {
            Width = 5, Height = 4, Topology = Topology.Hexagonal, Toroidal = true, Iterations = 20, Seed = 3,
            Scaling = scaling, Neighborhood = Neighborhood.Triangle, Shuffle = true, MetricsEvery = 5,
        }).Fit(DataMatrix.FromRows(TestData.Clusters(40, 3, 3, seed: 1), ["red", "green", "blue"]));

    [Fact]
    public void SaveAndLoadRoundTripBitExactly()
    {
        var model = Trained();
        var path = Path.Combine(_folder, "m.som");

        SomFile.Save(model, path);
        var back = SomFile.Load(path);

        Assert.Equal(model.Codebook.ToArray(), back.Codebook.ToArray());
        Assert.Equal(model.Grid, back.Grid);
        Assert.Equal(model.FeatureNames, back.FeatureNames);
        Assert.Equal(model.Options, back.Options);
        Assert.Equal([5, 10, 15, 20], back.History.Select(h => h.Iteration));
        Assert.Equal(model.History, back.History);
        Assert.Equal(model.Scaler!.Kind, back.Scaler!.Kind);
        Assert.Equal(model.Scaler.Offset.ToArray(), back.Scaler.Offset.ToArray());
        Assert.Equal(model.Scaler.Factor.ToArray(), back.Scaler.Factor.ToArray());
        Assert.Equal(SomFile.ToBytes(model), File.ReadAllBytes(path));
        Assert.Equal(SomFile.ToBytes(model), SomFile.ToBytes(back));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp-*"));
    }

    [Fact]
    public void TheFileFollowsTheSafetensorsLayout()
    {
        var model = Trained();
        var bytes = SomFile.ToBytes(model);

        // Read it the way a safetensors reader does: u64 LE header size, JSON header, raw tensors.
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, n));
        var codebook = header.RootElement.GetProperty("codebook");
        Assert.Equal("F32", codebook.GetProperty("dtype").GetString());
        Assert.Equal([4, 5, 3], codebook.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var offsets = codebook.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var floats = new float[(offsets[1] - offsets[0]) / 4];
        for (var i = 0; i < floats.Length; i++)
        {
            floats[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + n + offsets[0] + (i * 4)));
        }

        Assert.Equal(model.Codebook.ToArray(), floats);
        var meta = header.RootElement.GetProperty("__metadata__");
        Assert.All(meta.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("kohonen.som", meta.GetProperty("format").GetString());
        Assert.Equal("hexagonal", meta.GetProperty("topology").GetString());
        Assert.Equal("[\"red\",\"green\",\"blue\"]", meta.GetProperty("feature_names").GetString());
        // The tensors tile the data section with no gap or overlap.
        var ends = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__")
            .Select(p => p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray())
            .OrderBy(o => o[0]).ToList();
        Assert.Equal(0, ends[0][0]);
        Assert.Equal(bytes.Length - 8 - n, ends[^1][1]);
        for (var i = 1; i < ends.Count; i++)
        {
            Assert.Equal(ends[i - 1][1], ends[i][0]);
        }
    }

    [Fact]
    public void AModelWithoutScalerOrOptionsRoundTrips()
    {
        var model = SomModel.Create(new Grid(2, 1), [1f, 2f, 3f, 4f], 2);

        var back = SomFile.FromBytes(SomFile.ToBytes(model), "m.som");

        Assert.Null(back.Scaler);
        Assert.Null(back.Options);
        Assert.Equal([1f, 2f, 3f, 4f], back.Codebook.ToArray());
    }

    [Fact]
    public void EveryTruncationIsRefused()
    {
        var bytes = SomFile.ToBytes(Trained());

        foreach (var length in new[] { 0, 7, 8, 9, 100, bytes.Length / 2, bytes.Length - 1 })
        {
            var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(bytes.AsSpan(0, length), "m.som"));
            Assert.Matches("truncated|not a Kohonen model", error.Message);
        }
    }

    [Fact]
    public void AnAlteredTensorByteFailsTheChecksum()
    {
        var bytes = SomFile.ToBytes(Trained());
        bytes[^5] ^= 0x40;

        var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(bytes, "m.som"));

        Assert.Equal("m.som: the tensor bytes do not match the checksum in the header; the file was altered or damaged.", error.Message);
    }

    [Fact]
    public void AnAlteredShapeInTheHeaderIsRefused()
    {
        var bytes = SomFile.ToBytes(Trained());
        // Latin-1 maps every byte to one character and back, so only the edited text changes.
        var text = Encoding.Latin1.GetString(bytes);
        var altered = Encoding.Latin1.GetBytes(text.Replace("\"shape\":[4,5,3]", "\"shape\":[5,4,3]", StringComparison.Ordinal));

        var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(altered, "m.som"));

        Assert.Contains("shape [5, 4, 3], but the metadata says [4, 5, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForeignFilesAreRefusedAsNotAModel()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13];
        var foreignSafetensors = Safetensors("{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);

        Assert.Contains("not a Kohonen model file", Assert.Throws<SomFormatException>(() => SomFile.FromBytes(png, "x.png")).Message, StringComparison.Ordinal);
        Assert.Contains("not a Kohonen model (format 'pt'", Assert.Throws<SomFormatException>(() => SomFile.FromBytes(foreignSafetensors, "x.safetensors")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANewerFormatVersionAsksForAnUpgrade()
    {
        var text = Encoding.Latin1.GetString(SomFile.ToBytes(Trained()));
        var newer = Encoding.Latin1.GetBytes(text.Replace("\"format_version\":\"1\"", "\"format_version\":\"3\"", StringComparison.Ordinal));

        var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(newer, "m.som"));

        Assert.Contains("written in model format 3 by a newer version; this build reads formats 1 and 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedSaveLeavesTheOldFileAndNoTemporaryFile()
    {
        var path = Path.Combine(_folder, "keep.som");
        File.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("disk full (simulated)");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    private static byte[] Safetensors(string header, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        return file;
    }
}
