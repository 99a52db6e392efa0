namespace Kohonen;

/// <summary>
/// Writes a file so that readers see either the old file or the whole new one, never a part: the
/// content goes to a temporary file beside the target (same folder, so the rename stays on one file
/// system), is flushed to disk, and is then renamed over the target. On any failure, cancellation
/// included, the temporary file is deleted and the target is untouched.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The infix of temporary names: <c>model.som.tmp-4242-1a2b3c…</c>, the writer's process id
    /// then 12 random hex digits, so that a cleaner (<c>kohonen runs gc</c>) can tell a file being
    /// written from one a killed process left behind.</summary>
    public const string TemporaryInfix = ".tmp-";

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist.");
        }

        var temporary = full + TemporaryInfix + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
