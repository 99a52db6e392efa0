using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;

namespace Kohonen.Tracking;

/// <summary>
/// The tags that say which file a run was trained on and with which release: <c>data_file</c> (its
/// name), <c>data_bytes</c>, <c>data_sha256</c> (the fingerprint that makes runs on the same bytes
/// comparable, <see cref="RunProfile"/>) and <c>tool_version</c>. The command line and the service
/// tag their runs with these same values, so a run trained either way compares with the other.
/// </summary>
public static class DataFileTags
{
    /// <summary>The tag holding the release that trained the run.</summary>
    public const string ToolVersionTag = "tool_version";

    /// <summary>This release's version (with the commit it was built from, when known).</summary>
    public static string ToolVersion { get; } =
        typeof(DataFileTags).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary><c>data_file</c> = <paramref name="name"/>, and the size and SHA-256 of
    /// <paramref name="files"/> read one after the other (one data file, or a folder's shards in order).</summary>
    public static Dictionary<string, string> Of(string name, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(files);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long bytes = 0;
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                bytes += read;
            }
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["data_file"] = name,
            ["data_bytes"] = bytes.ToString(CultureInfo.InvariantCulture),
            [RunProfile.FingerprintTag] = Convert.ToHexStringLower(hash.GetHashAndReset()),
        };
    }
}
