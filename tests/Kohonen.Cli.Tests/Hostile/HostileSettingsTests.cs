using System.Diagnostics;
using Kohonen.Cli.Settings;

namespace Kohonen.Cli.Tests.Hostile;

/// <summary>Hostile settings and host conditions: each is answered with one line naming the setting or
/// file, the documented exit code, no stack trace, and no wait.</summary>
public sealed class HostileSettingsTests : ScratchFolder
{
    private readonly ITestOutputHelper _output;

    public HostileSettingsTests(ITestOutputHelper output) => _output = output;

    /// <summary>A serve that failed to listen may still be finishing the demo model it began in the
    /// store: give it a moment before the folder goes.</summary>
    public override void Dispose()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                base.Dispose();
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(100);
            }
        }
    }

    private async Task<CliRun> RunAsync(Dictionary<string, string?> variables, params string[] args)
    {
        variables.TryAdd("KOHONEN_DATA", PathOf("store"));
        var clock = Stopwatch.StartNew();
        var run = await CliRun.InvokeAsync(new CliEnvironment(Folder, variables), args).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
        Assert.DoesNotContain(" at Kohonen.", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at System.", run.Error, StringComparison.Ordinal);
        return run;
    }

    private void MakeFifo(string name)
    {
        using var mkfifo = Process.Start("mkfifo", PathOf(name));
        mkfifo.WaitForExit();
    }

    public static TheoryData<string> PathSettings => ["KOHONEN_DATA", "SOM_RUN_ID_FILE", "KOHONEN_TRAIN_DATA_DIR"];

    [Theory]
    [MemberData(nameof(PathSettings))]
    public async Task ANulInAPathSettingIsASettingsError(string name)
    {
        WriteFile("appsettings.json", $$"""{ "{{name}}": "a\u0000b" }""");

        // No KOHONEN_DATA in the environment, which would outrank the file (the store, if any, is made
        // in the scratch folder).
        var run = await RunAsync(new() { ["KOHONEN_DATA"] = null }, "runs", "list");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: setting {name} (from appsettings.json) contains a NUL character; allowed: {KohonenSettings.All.First(s => s.Name == name).Allowed} without control characters.\n", run.Error);
    }

    [Fact]
    public async Task ANulInAPathSettingFromTheEnvironmentIsASettingsError()
    {
        var run = await RunAsync(new() { ["SOM_RUN_ID_FILE"] = "x\0y" }, "runs", "list");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("setting SOM_RUN_ID_FILE (from the environment) contains a NUL character", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".env")]
    [InlineData("appsettings.json")]
    public async Task ASettingsFileThatIsAFifoIsRefusedAtOnce(string name)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix only.");
        MakeFifo(name);

        var run = await RunAsync([], "runs", "list");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {PathOf(name)}: it is a FIFO (named pipe), not a regular file; only regular files are read.\n", run.Error);
    }

    [Fact]
    public async Task ABodyLimitThatCouldExhaustMemoryIsRefused()
    {
        var run = await RunAsync(new() { ["KOHONEN_MAX_BODY_BYTES"] = "2147483646" }, "runs", "list");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: setting KOHONEN_MAX_BODY_BYTES (from the environment) is '2147483646'; allowed: 1..268435456.\n", run.Error);
    }

    [Fact]
    public async Task ARunIdFileThatIsAnotherFileIsNotPrinted()
    {
        var secret = WriteFile("secret", "root:x:0:0:root:/root:/bin/bash\nuser:hunter2\n");

        var run = await RunAsync(new() { ["SOM_RUN_ID_FILE"] = secret }, "predict", "--data", WriteFile("d.csv", "1,2,3\n"));

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("hunter2", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("root", run.Error, StringComparison.Ordinal);
        Assert.Contains("is not a run id file: it has 2 lines", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:99999", "error: --urls: 'http://127.0.0.1:99999' has port '99999'; a port is a whole number in 0..65535.\n")]
    [InlineData("ftp://127.0.0.1:80", "error: --urls: 'ftp://127.0.0.1:80' is not an address to listen on; write http://HOST:PORT (or https://).\n")]
    public async Task AnAddressThatCannotBeListenedOnIsAUsageError(string urls, string expected)
    {
        var run = await RunAsync([], "serve", "--urls", urls);

        Assert.Equal((2, expected), (run.ExitCode, run.Error));
    }

    [Fact]
    public async Task AMissingTrainingDataFolderIsRefusedAtStart()
    {
        var run = await RunAsync(new() { ["KOHONEN_TRAIN_DATA_DIR"] = "/nonexistent" }, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: setting KOHONEN_TRAIN_DATA_DIR (from the environment) is '/nonexistent', which is not an existing folder; create it or unset the setting.\n", run.Error);
    }

    [Fact]
    public async Task APortInUseIsOneLineAndExitOne()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var run = await RunAsync([], "serve", "--urls", $"http://127.0.0.1:{port}");
        _output.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.EndsWith($"error: cannot listen on http://127.0.0.1:{port}: Address already in use\n", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadingCommandsDoNotCreateAStore()
    {
        var deep = PathOf("nonexistent/deep/dir");

        var run = await RunAsync(new() { ["KOHONEN_DATA"] = deep }, "runs", "list");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: KOHONEN_DATA: there is no store at '{deep}' (the folder does not exist); `kohonen train` creates one.\n", run.Error);
        Assert.False(Directory.Exists(PathOf("nonexistent")));
    }
}
