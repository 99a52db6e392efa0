namespace Kohonen.Tracking;

/// <summary>The one rule for artifact names, shared by every store: a relative path with '/' between
/// names, and nothing that could reach outside the run's artifacts.</summary>
internal static class ArtifactPaths
{
    /// <summary>The path's names, or a <see cref="TrackingException"/> when the path is empty, longer
    /// than 1,024 characters, or has an empty, '.' or '..' name, a backslash, a colon or a control
    /// character.</summary>
    public static string[] Split(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/');
        if (path.Length == 0 || path.Length > 1024 || segments.Any(s => s.Length == 0 || s is "." or ".." || s.Any(c => c is '\\' or ':' || char.IsControl(c))))
        {
            throw new TrackingException(
                $"Artifact path '{path}' is not allowed: give a relative path with '/' between names, without '.', '..', '\\', ':' or empty names.");
        }

        return segments;
    }
}
