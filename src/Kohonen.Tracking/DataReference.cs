using System.Security.Cryptography;

namespace Kohonen.Tracking;

/// <summary>
/// The data a choice of run is made for (<c>--data</c>): runs trained on this very file (the same
/// fingerprint) come first; when there are none, runs whose features the file has (every feature name
/// among its columns, or the same number of columns when it has no names).
/// </summary>
/// <param name="FileName">The file's name, for messages.</param>
/// <param name="Fingerprint">The SHA-256 of its bytes (lower-case hex).</param>
/// <param name="Columns">Its column names (a CSV header), or null when it has none (.npy).</param>
/// <param name="ColumnCount">Its number of columns.</param>
public sealed record DataReference(string FileName, string Fingerprint, IReadOnlyList<string>? Columns, int ColumnCount)
{
    /// <summary>The fingerprint of a file: the SHA-256 of its bytes, as the <c>data_sha256</c> tag.</summary>
    public static async Task<string> FingerprintAsync(string path, CancellationToken cancellationToken = default)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Whether a run with this profile could be used on this data: its features are all among
    /// the columns (by name), or, without names on either side, the counts agree.</summary>
    public bool Fits(RunProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.FeatureNames is { } names && Columns is { } columns)
        {
            return names.All(columns.Contains);
        }

        var count = profile.FeatureNames?.Count
            ?? (profile.Schema is { } s && s.EndsWith(" columns", StringComparison.Ordinal) && int.TryParse(s.AsSpan(0, s.IndexOf(' ')), out var n) ? n : -1);
        return count == ColumnCount;
    }
}
