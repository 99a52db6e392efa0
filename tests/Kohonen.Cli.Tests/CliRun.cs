using Kohonen.Cli.Settings;

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

    /// <summary>Settings of tests that do not give their own: no appsettings.json or .env (an empty
    /// working directory), and a store in a temporary folder shared by the test run, so nothing reads
    /// the machine's environment or writes into the repository.</summary>
    public static CliEnvironment DefaultEnvironment { get; } = CreateDefaultEnvironment();

    private static CliEnvironment CreateDefaultEnvironment()
    {
        var folder = Directory.CreateTempSubdirectory("kohonen-cli-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        };
        Directory.CreateDirectory(Path.Combine(folder, "cwd"));
        return new CliEnvironment(Path.Combine(folder, "cwd"), new Dictionary<string, string?> { ["KOHONEN_DATA"] = Path.Combine(folder, "store") });
    }

    public static async Task<CliRun> InvokeAsync(params string[] args) => await InvokeAsync(DefaultEnvironment, CancellationToken.None, args);

    public static async Task<CliRun> InvokeAsync(CancellationToken cancellationToken, params string[] args) => await InvokeAsync(DefaultEnvironment, cancellationToken, args);

    public static async Task<CliRun> InvokeAsync(CliEnvironment environment, params string[] args) => await InvokeAsync(environment, CancellationToken.None, args);

    public static async Task<CliRun> InvokeAsync(CliEnvironment environment, CancellationToken cancellationToken, params string[] args) =>
        await InvokeAsync(environment, null, cancellationToken, args);

    /// <summary>Runs with <paramref name="input"/> as standard input (null: nobody can answer).</summary>
    public static async Task<CliRun> InvokeAsync(CliEnvironment environment, TextReader? input, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliConsole(output, error, interactive: false, input), environment, handleSignals: false, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}
