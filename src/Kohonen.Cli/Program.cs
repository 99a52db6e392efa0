using Kohonen.Cli;
using Kohonen.Cli.Settings;

return await CliApp.RunAsync(args, CliConsole.ForProcess(), CliEnvironment.ForProcess(), handleSignals: true).ConfigureAwait(false);
