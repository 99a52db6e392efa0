using System.Collections;

namespace Kohonen.Cli.Settings;

/// <summary>Where settings come from besides flags: the working directory (its <c>appsettings.json</c> and
/// <c>.env</c>) and the environment variables. Tests give their own, so they never read the process's.</summary>
/// <param name="WorkingDirectory">The folder holding appsettings.json and .env; relative settings paths
/// (KOHONEN_DATA, SOM_RUN_ID_FILE) are taken from here.</param>
/// <param name="Variables">The environment variables.</param>
internal sealed record CliEnvironment(string WorkingDirectory, IReadOnlyDictionary<string, string?> Variables)
{
    /// <summary>The process's working directory and environment.</summary>
    public static CliEnvironment ForProcess()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value;
        }

        return new CliEnvironment(Directory.GetCurrentDirectory(), variables);
    }
}
