using System.CommandLine;
using Kohonen.Cli.Settings;

namespace Kohonen.Cli.Commands;

/// <summary>Flags several commands share.</summary>
internal static class CommonOptions
{
    /// <summary>--verbose, on every command: stack traces with errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print stack traces with errors.",
        Recursive = true,
    };

    /// <summary>--verbose, or SOM_VERBOSE=true in the settings (a setting that cannot be read counts
    /// as false here; its error is reported when the command reads the settings).</summary>
    public static bool IsVerbose(ParseResult result, CliEnvironment environment)
    {
        if (result.GetValue(Verbose))
        {
            return true;
        }

        try
        {
            return KohonenSettings.Load(environment).Verbose;
        }
        catch (SettingsException)
        {
            return false;
        }
    }

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of text (no progress lines)." };

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "No progress output." };

    public static Option<int?> Seed() => new("--seed") { Description = "Seed of every random choice; drawn and reported when absent." };

    public static Option<int?> Threads() => new("--threads") { Description = "Most threads to use (1..1024; default: all cores). The result does not depend on it." };

    /// <summary>Throws a usage error unless the folder of <paramref name="path"/> exists: checked
    /// before any long work starts.</summary>
    public static void EnsureFolderExists(string path, string flag)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder))
        {
            throw new UsageException($"{flag}: the folder of '{path}' does not exist.");
        }

        if (Directory.Exists(path))
        {
            throw new UsageException($"{flag}: '{path}' is a folder; give a file name.");
        }
    }
}
