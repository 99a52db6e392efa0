namespace Kohonen.Cli.Settings;

/// <summary>A setting has a value that is not allowed; the message names the setting, where the value
/// came from and what is allowed. Exit code 2.</summary>
internal sealed class SettingsException(string message) : Exception(message);
