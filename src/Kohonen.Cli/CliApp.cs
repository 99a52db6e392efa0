using System.CommandLine;
using Kohonen.Cli.Commands;
using Kohonen.Cli.Settings;

namespace Kohonen.Cli;

/// <summary>The <c>kohonen</c> command tree and its invocation, independent of the process console
/// so that tests can run it in-process.</summary>
internal static class CliApp
{
    public static RootCommand Create(CliConsole console, CliEnvironment environment)
    {
        var root = new RootCommand("kohonen: train, inspect and use self-organizing maps (Kohonen for .NET).")
        {
            DemoCommand.Create(console, environment),
            TrainCommand.Create(console, environment),
            RunsCommand.Create(console, environment),
            ExperimentsCommand.Create(console, environment),
            PredictCommand.Create(console, environment),
            InfoCommand.Create(console),
            PlotCommand.Create(console),
            EvaluateCommand.Create(console),
            ClusterCommand.Create(console),
            SegmentsCommand.Create(console),
            ServeCommand.Create(console, environment),
            WorkerCommand.Create(console, environment),
            HealthCheckCommand.Create(console, environment),
            BenchCommand.Create(console),
            ImputeCommand.Create(console),
        };
        root.Options.Add(CommonOptions.Verbose);
        return root;
    }

    /// <summary>
    /// Parses and runs a command line. A parse error prints "error: ..." lines and a pointer to --help
    /// and returns 2. <paramref name="handleSignals"/> lets Ctrl+C and SIGTERM cancel the command (the
    /// process's own run); tests cancel through <paramref name="cancellationToken"/> instead.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CliEnvironment environment, bool handleSignals, CancellationToken cancellationToken = default)
    {
        var root = Create(console, environment);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await console.Error.WriteLineAsync($"error: {CommandRunner.Printable(error.Message)}").ConfigureAwait(false);
            }

            var path = string.Join(' ', result.CommandResult.Command.Name == root.Name ? [] : CommandPath(result.CommandResult.Command));
            await console.Error.WriteLineAsync($"Run 'kohonen {(path.Length > 0 ? path + " " : "")}--help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = handleSignals ? TimeSpan.FromSeconds(10) : null,
        };
        return await result.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && s is not RootCommand; s = s.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return names;
    }
}
