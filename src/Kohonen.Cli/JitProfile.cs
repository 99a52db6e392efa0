using System.Runtime;

namespace Kohonen.Cli;

/// <summary>
/// Startup profiles for the runtime's multicore JIT (<see cref="ProfileOptimization"/>): each command
/// records which methods it compiled, and the next run of that command compiles them again on the other
/// core while the first one starts, parses its flags and reads its data, instead of one by one when first
/// called. The profiles live in a cache folder (<c>$XDG_CACHE_HOME/kohonen/jit</c>, else
/// <c>~/.cache/kohonen/jit</c>; <c>%LOCALAPPDATA%\kohonen\jit</c> on Windows), one file per command;
/// <c>KOHONEN_JIT_CACHE</c> names another folder, or <c>off</c> turns them off. A folder that cannot be
/// made or written, or a damaged profile, only costs the head start (the runtime goes on without it);
/// the answers never depend on it.
/// </summary>
internal static class JitProfile
{
    /// <summary>The commands with a profile of their own; anything else (a typo, <c>--help</c>) shares one.</summary>
    internal static readonly HashSet<string> Commands = new(StringComparer.Ordinal)
    {
        "demo", "train", "runs", "experiments", "predict", "info", "plot", "evaluate", "cluster", "segments",
        "serve", "worker", "healthcheck", "bench", "impute",
    };

    /// <summary>Starts the profile of the command in <paramref name="args"/>; quietly nothing when the
    /// cache is off or cannot be made.</summary>
    public static void Start(string[] args, IReadOnlyDictionary<string, string?> variables)
    {
        if (Folder(variables, OperatingSystem.IsWindows()) is not { } folder)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return;
        }

        ProfileOptimization.SetProfileRoot(folder);
        ProfileOptimization.StartProfile(FileName(args));
    }

    /// <summary>The profile's file name: the command's, or <c>other</c>.</summary>
    public static string FileName(string[] args) =>
        (args.Length > 0 && Commands.Contains(args[0]) ? args[0] : "other") + ".jitprofile";

    /// <summary>The cache folder, or null when off (or when no home is known).</summary>
    public static string? Folder(IReadOnlyDictionary<string, string?> variables, bool windows)
    {
        string? Variable(string name) => variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

        if (Variable("KOHONEN_JIT_CACHE") is { } chosen)
        {
            return chosen.Trim().ToLowerInvariant() is "off" or "0" or "false" or "no" or "none" ? null : chosen;
        }

        if (windows)
        {
            return Variable("LOCALAPPDATA") is { } local ? Path.Combine(local, "kohonen", "jit") : null;
        }

        return Variable("XDG_CACHE_HOME") is { } cache && Path.IsPathRooted(cache)
            ? Path.Combine(cache, "kohonen", "jit")
            : Variable("HOME") is { } home ? Path.Combine(home, ".cache", "kohonen", "jit") : null;
    }
}
