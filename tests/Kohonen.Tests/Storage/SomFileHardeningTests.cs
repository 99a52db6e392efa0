using System.Text;
using System.Text.Json.Nodes;
using Kohonen.Tests.Hostile;

namespace Kohonen.Tests.Storage;

public sealed class SomFileHardeningTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("som-hardening-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SomModel Small() =>
        SomModel.Create(new Grid(2, 2), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 3, ["a", "b", "c"]);

    private static string Refusal(byte[] file) =>
        Assert.Throws<SomFormatException>(() => SomFile.FromBytes(file, "m.som")).Message;

    [Fact]
    public void TheMetadataChecksumIsTheOneDocumented()
    {
        var (header, _) = ModelFileBytes.Split(SomFile.ToBytes(Small()));
        var meta = (JsonObject)header["__metadata__"]!;

        Assert.Equal(ModelFileBytes.MetadataChecksum(meta), meta["metadata_sha256"]!.GetValue<string>());
    }

    [Fact]
    public void AFlippedBitInAMetadataKeyIsCaught()
    {
        var file = SomFile.ToBytes(Small());
        var at = Encoding.UTF8.GetString(file).IndexOf("feature_names", StringComparison.Ordinal);
        file[at + 3] ^= 0x01;

        Assert.Contains("metadata does not match its checksum", Refusal(file), StringComparison.Ordinal);
    }

    [Fact]
    public void AnOlderFileWithoutTheMetadataChecksumStillLoads()
    {
        var older = ModelFileBytes.Resealed(SomFile.ToBytes(Small()), (_, meta) => meta.Remove("metadata_sha256"));

        var model = SomFile.FromBytes(older, "old.som");

        Assert.Equal(["a", "b", "c"], model.FeatureNames);
    }

    [Fact]
    public void AnOlderFileWithADamagedKeyIsRefused()
    {
        var older = ModelFileBytes.Resealed(SomFile.ToBytes(Small()), (_, meta) =>
        {
            meta.Remove("metadata_sha256");
            var names = meta["feature_names"]!.GetValue<string>();
            meta.Remove("feature_names");
            meta["featurg_names"] = names;
        });

        Assert.Contains("unknown metadata key 'featurg_names'", Refusal(older), StringComparison.Ordinal);
    }

    [Fact]
    public void AShapeWhoseSizeOverflowsIsRefusedWithTheFileName()
    {
        var file = ModelFileBytes.Resealed(SomFile.ToBytes(Small()), (header, _) =>
            header["extra"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(2147483647, 3, 715827883), ["data_offsets"] = new JsonArray(48, 48) });

        var message = Refusal(file);

        Assert.StartsWith("m.som: ", message, StringComparison.Ordinal);
        Assert.Contains("too large", message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8InTheHeaderIsRefusedWithTheFileName()
    {
        var file = SomFile.ToBytes(Small());
        var at = Encoding.UTF8.GetString(file).IndexOf("Kohonen for .NET", StringComparison.Ordinal);
        Assert.True(at > 0);
        file[at + 1] = 0xFF;

        var message = Refusal(file);

        Assert.StartsWith("m.som: ", message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADuplicateKeyIsRefused()
    {
        var (header, data) = ModelFileBytes.Split(SomFile.ToBytes(Small()));
        var json = header.ToJsonString();
        var duplicated = json.Replace("\"format\":\"kohonen.som\"", "\"format\":\"kohonen.som\",\"format\":\"kohonen.som\"", StringComparison.Ordinal);
        Assert.NotEqual(json, duplicated);

        var message = Refusal(ModelFileBytes.Join(duplicated, data));

        Assert.StartsWith("m.som: ", message, StringComparison.Ordinal);
        Assert.Contains("format", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AControlCharacterInAFeatureNameIsRefusedAndPrintedEscaped()
    {
        var file = ModelFileBytes.Resealed(SomFile.ToBytes(Small()), (_, meta) => meta["feature_names"] = "[\"a\",\"b\\u001b[31m\",\"c\"]");

        var message = Refusal(file);

        Assert.Contains("feature name 2", message, StringComparison.Ordinal);
        Assert.Contains("\\u001B", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', message);
    }

    [Fact]
    public void AFifoAndADeviceAreRefusedAsModelFiles()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix only.");
        var fifo = Path.Combine(_folder, "m.som");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }

        Assert.Contains("FIFO", Assert.Throws<SomFormatException>(() => SomFile.Load(fifo)).Message, StringComparison.Ordinal);
        Assert.StartsWith("/dev/zero: ", Assert.Throws<SomFormatException>(() => SomFile.Load("/dev/zero")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALargeJunkFileIsRefusedFromItsFirstBytes()
    {
        var path = Path.Combine(_folder, "junk.som");
        using (var stream = File.Create(path))
        {
            stream.SetLength(64L << 20); // sparse: 64 MiB of zeros
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var message = Assert.Throws<SomFormatException>(() => SomFile.Load(path)).Message;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("not a Kohonen model file", message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated to refuse the file");
    }
}
