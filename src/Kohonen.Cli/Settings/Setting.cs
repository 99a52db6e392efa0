namespace Kohonen.Cli.Settings;

/// <summary>One setting: its name (the environment variable, also the key in appsettings.json and .env),
/// what it does and what values are allowed, for messages and for <c>deploy/.env.example</c>.</summary>
internal sealed record Setting(string Name, string Allowed, string Description);
