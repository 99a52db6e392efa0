using System.Runtime.InteropServices;
using System.Text;

namespace Kohonen;

/// <summary>
/// The one way the tool opens a file it reads (model files, data files, settings files, run id
/// files): only a regular file is opened — a directory, a FIFO, a device (<c>/dev/zero</c>) or a
/// socket is refused before it is opened, so nothing blocks or reads forever — and its size is
/// checked against a limit before anything is allocated. Every refusal names the file and never
/// quotes its content.
/// </summary>
/// <remarks>
/// Each caller passes <c>fail</c>, which turns the reason (a sentence without the file name) into
/// the caller's own exception type (a model file's, a data file's, a setting's), so that the tool
/// answers with its usual message and exit code.
/// </remarks>
internal static class SafeFile
{
    /// <summary>What a path is, as far as reading goes.</summary>
    internal enum Kind
    {
        Missing,
        Regular,
        Directory,
        Fifo,
        Device,
        Socket,
        Other,
    }

    /// <summary>Opens a regular file for reading, refusing anything else and a file larger than
    /// <paramref name="maxBytes"/>.</summary>
    /// <exception cref="Exception">What <paramref name="fail"/> makes of the reason.</exception>
    public static FileStream OpenRead(string path, long maxBytes, Func<string, Exception> fail, FileOptions options = FileOptions.SequentialScan)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fail);
        Check(path, fail);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12, options);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw fail("the file does not exist.");
        }
        catch (UnauthorizedAccessException)
        {
            throw fail("the file cannot be read (permission denied).");
        }

        // The kind may have changed between the check and the open; a stream that cannot seek is not
        // a regular file.
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw fail("not a regular file; only regular files are read.");
        }

        if (stream.Length > maxBytes)
        {
            var length = stream.Length;
            stream.Dispose();
            throw fail($"the file has {length} bytes; the most this file may have is {maxBytes}.");
        }

        return stream;
    }

    /// <summary>The whole content of a regular file of at most <paramref name="maxBytes"/> bytes.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, Func<string, Exception> fail)
    {
        using var stream = OpenRead(path, maxBytes, fail);
        var bytes = new byte[stream.Length];
        var got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return got == bytes.Length ? bytes : bytes[..got];
    }

    /// <summary>The whole content of a regular file of at most <paramref name="maxBytes"/> bytes as
    /// UTF-8 text (a byte order mark is skipped). Invalid UTF-8 is refused.</summary>
    public static string ReadAllText(string path, long maxBytes, Func<string, Exception> fail)
    {
        var bytes = ReadAllBytes(path, maxBytes, fail);
        var span = bytes.AsSpan();
        if (span.StartsWith("\xEF\xBB\xBF"u8))
        {
            span = span[3..];
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span);
        }
        catch (DecoderFallbackException)
        {
            throw fail("the file is not UTF-8 text.");
        }
    }

    /// <summary>Refuses a path that is not an existing regular file (symbolic links are followed).</summary>
    public static void Check(string path, Func<string, Exception> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw fail("the path contains a NUL character.");
        }

        var kind = KindOf(path);
        if (kind != Kind.Regular)
        {
            throw fail(kind switch
            {
                Kind.Missing => "the file does not exist.",
                Kind.Directory => "it is a directory, not a file.",
                Kind.Fifo => "it is a FIFO (named pipe), not a regular file; only regular files are read.",
                Kind.Device => "it is a device, not a regular file; only regular files are read.",
                Kind.Socket => "it is a socket, not a regular file; only regular files are read.",
                _ => "not a regular file; only regular files are read.",
            });
        }
    }

    /// <summary>What <paramref name="path"/> is, following symbolic links.</summary>
    public static Kind KindOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            return Kind.Missing;
        }

        if (OperatingSystem.IsWindows())
        {
            if (Directory.Exists(path))
            {
                return Kind.Directory;
            }

            return File.Exists(path) ? Kind.Regular : Kind.Missing;
        }

        // The runtime's own stat (libSystem.Native ships with every .NET on Unix and is linked into
        // native builds): its first fields are flags, mode, uid, gid, size; the mode's type bits are
        // the POSIX ones.
        var status = new byte[256];
        var utf8 = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, utf8);
        if (Stat(utf8, status) != 0)
        {
            return Kind.Missing;
        }

        var mode = BitConverter.ToInt32(status, 4);
        return (mode & 0xF000) switch
        {
            0x8000 => Kind.Regular,
            0x4000 => Kind.Directory,
            0x1000 => Kind.Fifo,
            0x2000 or 0x6000 => Kind.Device,
            0xC000 => Kind.Socket,
            _ => Kind.Other,
        };
    }

    /// <summary>
    /// The full path of <paramref name="relative"/> inside <paramref name="root"/>, with every symbolic
    /// link resolved, or null when it is not an existing regular file there: a path that is absolute,
    /// climbs out with <c>..</c>, or whose resolved target (through a linked file or a linked folder
    /// anywhere along it) lies outside the resolved <paramref name="root"/> is refused.
    /// </summary>
    public static string? ResolveInside(string root, string relative)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relative);
        if (relative.Length == 0 || relative.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return null;
        }

        string realRoot;
        string realTarget;
        try
        {
            realRoot = RealPath(Path.GetFullPath(root));
            var full = Path.GetFullPath(Path.Combine(realRoot, relative));
            if (!IsUnder(full, realRoot))
            {
                return null;
            }

            realTarget = RealPath(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }

        return IsUnder(realTarget, realRoot) && KindOf(realTarget) == Kind.Regular ? realTarget : null;
    }

    /// <summary>The path with every symbolic link along it resolved (components that do not exist
    /// are kept as they are).</summary>
    internal static string RealPath(string fullPath)
    {
        var current = Path.GetPathRoot(fullPath) ?? "/";
        var parts = fullPath[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var hops = 0;
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            while (info.LinkTarget is { } target)
            {
                if (++hops > 40)
                {
                    throw new IOException($"{fullPath}: too many levels of symbolic links.");
                }

                next = Path.GetFullPath(target, Path.GetDirectoryName(next) ?? current);
                next = RealPath(next);
                info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            }

            current = next;
        }

        return current;
    }

    private static bool IsUnder(string path, string root)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var withSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(withSeparator, comparison);
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat(byte[] utf8Path, byte[] status);
}
