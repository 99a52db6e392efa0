using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Kohonen.Testing;

namespace Kohonen.Tests.Hostile;

/// <summary>
/// The standing corpus of malformed model files: every truncation, every bit flip of the header (and
/// of the length prefix), bit flips across the tensors, and crafted headers (huge shapes, bad UTF-8,
/// duplicate keys, wrong types). Each must be refused with a <see cref="SomFormatException"/> whose
/// message names the file — never another exception, never a model — in bounded time.
/// </summary>
public sealed class ModelFileCorpusTests
{
    private const string Name = "corpus.som";

    private static byte[] Original() => SomFile.ToBytes(new SomTrainer(new SomOptions
    {
        Width = 3, Height = 2, Iterations = 10, Seed = 1, Scaling = Scaling.MinMax, MetricsEvery = 5,
    }).Fit(DataMatrix.FromRows(TestData.Clusters(12, 3, 2, seed: 4), ["r", "g", "b"])));

    private static void AssertRefused(byte[] file, string what)
    {
        try
        {
            SomFile.FromBytes(file, Name);
        }
        catch (SomFormatException e)
        {
            Assert.True(e.Message.StartsWith(Name + ": ", StringComparison.Ordinal), $"{what}: {e.Message}");
            Assert.DoesNotContain(e.Message, char.IsControl);
            return;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}");
        }

        Assert.Fail($"{what}: the damaged file loaded as a model.");
    }

    [Fact]
    public void EveryTruncationIsRefused()
    {
        var file = Original();
        var tally = new HostileTally("model files / truncations");
        for (var length = 0; length < file.Length; length++)
        {
            tally.Check($"truncated to {length} bytes", () => AssertRefused(file[..length], $"truncated to {length} bytes"));
        }

        tally.Done();
    }

    [Fact]
    public void EveryBitFlipInTheLengthAndHeaderIsRefused()
    {
        var file = Original();
        var headerEnd = 8 + (int)BitConverter.ToUInt64(file, 0);
        var tally = new HostileTally("model files / header bit flips");
        for (var at = 0; at < headerEnd; at++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])file.Clone();
                damaged[at] ^= (byte)(1 << bit);
                tally.Check($"bit {bit} of byte {at} flipped", () => AssertRefused(damaged, $"bit {bit} of byte {at} flipped"));
            }
        }

        tally.Done();
    }

    [Fact]
    public void BitFlipsAcrossTheTensorsAreRefused()
    {
        var file = Original();
        var headerEnd = 8 + (int)BitConverter.ToUInt64(file, 0);
        var random = new Random(15);
        var tally = new HostileTally("model files / tensor bit flips");
        for (var at = headerEnd; at < file.Length; at += 1 + random.Next(3))
        {
            var damaged = (byte[])file.Clone();
            damaged[at] ^= (byte)(1 << random.Next(8));
            tally.Check($"a bit of tensor byte {at} flipped", () => AssertRefused(damaged, $"a bit of tensor byte {at} flipped"));
        }

        tally.Done();
    }

    public static TheoryData<string> CraftedNames => [.. Crafted().Keys];

    /// <summary>Headers an adversary writes on purpose, each sealed with a correct metadata checksum
    /// where it has one, so that only the reader's own checks stand between it and a model.</summary>
    private static Dictionary<string, Func<byte[], byte[]>> Crafted() => new()
    {
        ["an extra tensor whose size overflows"] = f => ModelFileBytes.Resealed(f, (h, _) =>
            h["extra"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(2147483647, 3, 715827883), ["data_offsets"] = new JsonArray(0, 0) }),
        ["a codebook shape beyond int"] = f => ModelFileBytes.Resealed(f, (h, _) => h["codebook"]!["shape"] = new JsonArray(99999999999L, 1, 1)),
        ["a negative shape"] = f => ModelFileBytes.Resealed(f, (h, _) => h["codebook"]!["shape"] = new JsonArray(-2, 3, 3)),
        ["offsets past the end"] = f => ModelFileBytes.Resealed(f, (h, _) => h["codebook"]!["data_offsets"] = new JsonArray(long.MaxValue - 1, long.MaxValue)),
        ["a width of 10^12"] = f => ModelFileBytes.Resealed(f, (_, m) => m["width"] = "1000000000000"),
        ["a dtype of F64"] = f => ModelFileBytes.Resealed(f, (h, _) => h["codebook"]!["dtype"] = "F64"),
        ["a metadata number, not a string"] = f => ModelFileBytes.Resealed(f, (_, m) => m["width"] = 3),
        ["feature names that are not a list"] = f => ModelFileBytes.Resealed(f, (_, m) => m["feature_names"] = "{\"a\": 1}"),
        ["a null feature name"] = f => ModelFileBytes.Resealed(f, (_, m) => m["feature_names"] = "[\"r\", null, \"b\"]"),
        ["a bell in a feature name"] = f => ModelFileBytes.Resealed(f, (_, m) => m["feature_names"] = "[\"r\", \"g\\u0007\", \"b\"]"),
        ["options that are not JSON"] = f => ModelFileBytes.Resealed(f, (_, m) => m["options"] = "{width:"),
        ["a metadata checksum that does not match"] = f => ModelFileBytes.Resealed(f, (_, m) => m["library"] = "other") is var g
            ? Replace(g, "\"library\":\"other\"", "\"library\":\"otheR\"") : g,
        ["an older file with an unknown key"] = f => ModelFileBytes.Resealed(f, (_, m) => { m.Remove("metadata_sha256"); m["x"] = "y"; }),
        ["a duplicate tensor entry"] = f => Replace(f, "\"codebook\":{", "\"codebook\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"codebook\":{"),
        ["a header nested 1000 deep"] = f => ModelFileBytes.Join(new string('[', 1000) + new string(']', 1000), []),
        ["a header that is a string"] = f => ModelFileBytes.Join("\"kohonen\"", []),
        ["invalid UTF-8 in a key"] = f => ReplaceBytes(f, "\"format\""u8.ToArray(), [0x22, 0xC3, 0x28, 0x72, 0x6D, 0x61, 0x74, 0x22]),
        ["a header length of 2^64 - 1"] = f => { var g = (byte[])f.Clone(); Array.Fill(g, (byte)0xFF, 0, 8); return g; },
        ["a header length past the file"] = f => { var g = (byte[])f.Clone(); BitConverter.GetBytes((ulong)f.Length).CopyTo(g, 0); return g; },
        ["an empty file"] = _ => [],
        ["a .npy file"] = _ => [0x93, .. "NUMPY"u8.ToArray(), 1, 0, 0, 0],
        ["a PNG file"] = _ => [0x89, .. "PNG\r\n\u001a\n"u8.ToArray(), 0, 0, 0, 13],
    };

    private static byte[] Replace(byte[] file, string from, string to) => ReplaceBytes(file, Encoding.UTF8.GetBytes(from), Encoding.UTF8.GetBytes(to), reframe: true);

    private static byte[] ReplaceBytes(byte[] file, byte[] from, byte[] to, bool reframe = true)
    {
        var n = (int)BitConverter.ToUInt64(file, 0);
        var header = file.AsSpan(8, n).ToArray();
        var at = header.AsSpan().IndexOf(from);
        Assert.True(at >= 0, $"'{Encoding.UTF8.GetString(from)}' is not in the header");
        byte[] changed = [.. header[..at], .. to, .. header[(at + from.Length)..]];
        return reframe ? ModelFileBytes.Join(Encoding.UTF8.GetString(changed).TrimEnd(' ') is var text && Encoding.UTF8.GetByteCount(text) == changed.Length - (changed.Length - changed.AsSpan().TrimEnd((byte)' ').Length) ? changed.AsSpan().TrimEnd((byte)' ').ToArray() : changed, file[(8 + n)..]) : changed;
    }

    [Theory]
    [MemberData(nameof(CraftedNames))]
    public void ACraftedHeaderIsRefused(string name)
    {
        var tally = new HostileTally("model files / crafted headers");
        tally.Check(name, () =>
        {
            var clock = Stopwatch.StartNew();
            AssertRefused(Crafted()[name](Original()), name);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{name}: {clock.Elapsed}");
        });
        tally.Done();
    }

    [Fact]
    public void TheOriginalLoads() => Assert.Equal(["r", "g", "b"], SomFile.FromBytes(Original(), Name).FeatureNames);
}
