namespace Kohonen.Cli.Tests;

/// <summary>Runs <c>kohonen</c> in-process with captured output, in a scratch folder.</summary>
internal sealed class CliRun
{
    private CliRun(int exitCode, string output, string error)
    {
        ExitCode = exitCode;
        Out = output;
        Error = error;
    }

    public int ExitCode { get; }

    public string Out { get; }

    public string Error { get; }

    public static async Task<CliRun> InvokeAsync(params string[] args) => await InvokeAsync(CancellationToken.None, args);

    public static async Task<CliRun> InvokeAsync(CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliConsole(output, error, interactive: false), handleSignals: false, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}
