namespace Kohonen.Distributed;

/// <summary>What a worker (an Orleans silo serving partitions) is allowed to use.</summary>
public sealed class WorkerOptions
{
    /// <summary>The folder relative data paths are read from, and absolute ones must lie in; null
    /// lets the worker read any path it can reach.</summary>
    public string? DataRoot { get; init; }

    /// <summary>The threads one partition's BMU search uses; null for every core.</summary>
    public int? Threads { get; init; }

    /// <summary>The full path of <paramref name="path"/> on this worker.</summary>
    /// <exception cref="ArgumentException">The path leaves the data root.</exception>
    public string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (DataRoot is null)
        {
            return Path.GetFullPath(path);
        }

        var root = Path.GetFullPath(DataRoot);
        var full = Path.GetFullPath(Path.Combine(root, path));
        var inside = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(inside, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The data path '{path}' is outside the worker's data root '{root}'; give a path inside it.", nameof(path));
        }

        return full;
    }
}
