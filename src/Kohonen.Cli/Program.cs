using Kohonen.Cli;

return await CliApp.RunAsync(args, CliConsole.ForProcess(), handleSignals: true).ConfigureAwait(false);
