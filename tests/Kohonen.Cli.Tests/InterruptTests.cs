using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kohonen.Cli.Tests;

/// <summary>The real program, started as a process, stopped with SIGINT (what Ctrl+C sends).</summary>
public partial class InterruptTests : ScratchFolder
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    /// <summary>How long a stopped program may take to start, and then to stop.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>Skips when this process ignores SIGINT: a program started from it inherits that, so
    /// Ctrl+C cannot reach it (as when the tests run as a background job of a non-interactive shell).</summary>
    private static void SkipUnlessSigIntReachesChildren()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is a POSIX signal.");
        if (OperatingSystem.IsLinux())
        {
            var ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            var mask = ignored is null ? 0 : Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16);
            Assert.SkipWhen((mask & 0b10) != 0, "SIGINT is ignored in this process (started as a background job?), so the programs it starts ignore it too.");
        }
    }

    /// <summary>The test's token, also cancelled after <see cref="Patience"/>: a program that does not
    /// stop fails the test instead of hanging it.</summary>
    private static CancellationTokenSource Bounded()
    {
        var bounded = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bounded.CancelAfter(Patience);
        return bounded;
    }

    [Fact]
    public async Task SigIntStopsTrainingAtOnceWithExit130AndNoModelFile()
    {
        SkipUnlessSigIntReachesChildren();
        var program = Path.Combine(AppContext.BaseDirectory, "kohonen.dll");
        Assert.True(File.Exists(program), $"{program} is built beside the tests");
        var model = PathOf("never.som");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Folder,
            ArgumentList = { program, "demo", "colors", "--width", "80", "--height", "80", "--iterations", "10000000", "--out", model, "--no-track" },
        };

        using var process = Process.Start(start)!;
        using var bounded = Bounded();
        using var killed = bounded.Token.Register(() => process.Kill(entireProcessTree: true));
        // Wait for the first progress line: training has started.
        var first = await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("colors: ", first, StringComparison.Ordinal);
        var sent = Stopwatch.StartNew();
        Assert.Equal(0, kill(process.Id, 2));
        var rest = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(130, process.ExitCode);
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(5), $"stopped after {sent.Elapsed}");
        Assert.Contains("Interrupted; nothing was written", rest, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Folder));
    }

    [Fact]
    public async Task SigIntLeavesARecordedRunKilledWithTheMetricsMeasuredSoFar()
    {
        SkipUnlessSigIntReachesChildren();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Folder,
            // No --data: SOM_SAMPLES random rows; the training curve measures QE and TE every 400 passes.
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "kohonen.dll"), "train", "--width", "20", "--height", "20", "--iterations", "20000", "--seed", "3" },
            Environment = { ["KOHONEN_DATA"] = PathOf("store"), ["SOM_SAMPLES"] = "50", ["SOM_RUN_NAME"] = "stopped" },
        };

        using var process = Process.Start(start)!;
        using var bounded = Bounded();
        using var killed = bounded.Token.Register(() => process.Kill(entireProcessTree: true));
        // Progress lines ("train: N/20000 ...") come at every 10 % or 5 s; stop once two steps are measured.
        var iteration = 0;
        while (iteration < 800 && await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.StartsWith("train: ", StringComparison.Ordinal))
            {
                iteration = int.Parse(line["train: ".Length..line.IndexOf('/', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.True(iteration >= 800, $"training reached iteration {iteration}");
        Assert.Equal(0, kill(process.Id, 2));
        await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(130, process.ExitCode);
        var store = Kohonen.Tracking.SqliteTrackingStore.Open(PathOf("store"));
        var run = (await store.SearchRunsAsync(new Kohonen.Tracking.RunQuery(), TestContext.Current.CancellationToken)).Single();
        Assert.Equal(("stopped", Kohonen.Tracking.RunStatus.Killed), (run.Info.RunName, run.Info.Status));
        Assert.NotNull(run.Info.EndTime);
        var history = await store.GetMetricHistoryAsync(run.Info.RunId, "quantization_error", TestContext.Current.CancellationToken);
        Assert.True(history.Count >= 2, $"{history.Count} steps kept");
        Assert.All(history, m => Assert.Equal(0, m.Step % 400));
        Assert.DoesNotContain("final_quantization_error", run.Metrics.Keys);
        Assert.Empty(await store.ListArtifactsAsync(run.Info.RunId, TestContext.Current.CancellationToken));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
