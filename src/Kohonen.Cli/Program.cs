using Kohonen.Cli;
using Kohonen.Cli.Settings;

var environment = CliEnvironment.ForProcess();
JitProfile.Start(args, environment.Variables);
return await CliApp.RunAsync(args, CliConsole.ForProcess(), environment, handleSignals: true).ConfigureAwait(false);
