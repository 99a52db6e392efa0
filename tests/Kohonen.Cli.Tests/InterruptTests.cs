using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kohonen.Cli.Tests;

/// <summary>The real program, started as a process, stopped with SIGINT (what Ctrl+C sends).</summary>
public partial class InterruptTests : ScratchFolder
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [Fact]
    public async Task SigIntStopsTrainingAtOnceWithExit130AndNoModelFile()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is a POSIX signal.");
        var program = Path.Combine(AppContext.BaseDirectory, "kohonen.dll");
        Assert.True(File.Exists(program), $"{program} is built beside the tests");
        var model = PathOf("never.som");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList = { program, "demo", "colors", "--width", "80", "--height", "80", "--iterations", "10000000", "--out", model },
        };

        using var process = Process.Start(start)!;
        // Wait for the first progress line: training has started.
        var first = await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("colors: ", first, StringComparison.Ordinal);
        var sent = Stopwatch.StartNew();
        Assert.Equal(0, kill(process.Id, 2));
        var rest = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(130, process.ExitCode);
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(5), $"stopped after {sent.Elapsed}");
        Assert.Contains("Interrupted; nothing was written.", rest, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Folder));
    }
}
