namespace Kohonen.Tracking;

/// <summary>
/// Reads a run id file (what <c>kohonen train --run-id-file</c> writes, named by SOM_RUN_ID_FILE):
/// a regular file of at most <see cref="MaxBytes"/> bytes holding one run id on one line. A file that
/// is anything else is refused with what it is — its length, its number of lines, that it holds
/// characters a run id does not — and never with its content, so that a setting pointed at another
/// file (<c>/etc/passwd</c>) does not print it.
/// </summary>
internal static class RunIdFile
{
    /// <summary>The largest run id file: 1 KiB.</summary>
    public const int MaxBytes = 1024;

    /// <summary>The longest run id: 128 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>The run id in the file.</summary>
    /// <exception cref="TrackingException">The file is missing, not a regular file, or not a run id.</exception>
    public static string Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var prefix = $"The run id file '{Printable(path)}'";
        var text = SafeFile.ReadAllText(path, MaxBytes, reason => reason.StartsWith("the file has ", StringComparison.Ordinal)
            ? new TrackingException($"{prefix} is not a run id file: it has {reason["the file has ".Length..]}")
            : new TrackingException($"{prefix}: {reason}")).Trim();
        if (text.Length == 0)
        {
            throw new TrackingException($"{prefix} is empty.");
        }

        var lines = text.Split('\n').Length;
        if (lines > 1)
        {
            throw new TrackingException($"{prefix} is not a run id file: it has {lines} lines; it must hold one run id on one line.");
        }

        if (text.Length > MaxLength)
        {
            throw new TrackingException($"{prefix} is not a run id file: its line has {text.Length} characters; a run id has at most {MaxLength}.");
        }

        if (!text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new TrackingException($"{prefix} does not hold a run id: its line has characters a run id does not (letters, digits, '-', '_' and '.').");
        }

        return text;
    }

    private static string Printable(string path) =>
        path.Any(char.IsControl) ? new string([.. path.Select(c => char.IsControl(c) ? '?' : c)]) : path;
}
