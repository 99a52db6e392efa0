namespace Kohonen.Cli;

/// <summary>The command line asks for something that cannot be done; the message names the flag and
/// what is allowed. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
