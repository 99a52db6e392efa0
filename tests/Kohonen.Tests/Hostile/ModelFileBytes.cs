using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Kohonen.Tests.Hostile;

/// <summary>Takes a model file apart and puts it back together, so that tests can damage one piece.</summary>
internal static class ModelFileBytes
{
    public static (JsonObject Header, byte[] Data) Split(byte[] file)
    {
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var header = (JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(file, 8, n))!;
        return (header, file[(8 + n)..]);
    }

    public static byte[] Join(string headerJson, byte[] data) => Join(Encoding.UTF8.GetBytes(headerJson), data);

    public static byte[] Join(byte[] header, byte[] data)
    {
        var padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    public static byte[] Join(JsonObject header, byte[] data) => Join(header.ToJsonString(), data);

    /// <summary>The metadata checksum computed here independently: SHA-256 over the other entries in
    /// ordinal key order, key 0 value 0.</summary>
    public static string MetadataChecksum(JsonObject metadata)
    {
        using var buffer = new MemoryStream();
        foreach (var (key, value) in metadata.Where(p => p.Key != "metadata_sha256").OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            buffer.Write(Encoding.UTF8.GetBytes(key));
            buffer.WriteByte(0);
            buffer.Write(Encoding.UTF8.GetBytes(value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value!.ToJsonString()));
            buffer.WriteByte(0);
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>Changes the metadata with <paramref name="change"/> and seals it again with a correct
    /// metadata checksum (a file damaged on purpose, not by accident).</summary>
    public static byte[] Resealed(byte[] file, Action<JsonObject, JsonObject> change)
    {
        var (header, data) = Split(file);
        var meta = (JsonObject)header["__metadata__"]!;
        change(header, meta);
        if (meta.ContainsKey("metadata_sha256"))
        {
            meta["metadata_sha256"] = MetadataChecksum(meta);
        }

        return Join(header, data);
    }
}
