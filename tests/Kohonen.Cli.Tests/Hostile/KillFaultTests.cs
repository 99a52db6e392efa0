using System.Diagnostics;
using Kohonen.Testing;
using Kohonen.Tracking;
using Microsoft.Data.Sqlite;

namespace Kohonen.Cli.Tests.Hostile;

/// <summary>
/// The fault suite: real <c>kohonen train</c> processes (the built CLI) killed with SIGKILL at random
/// moments, into one store. Afterwards the store opens, <c>kohonen runs gc</c> makes every run's
/// state truthful (no RUNNING run left; a FINISHED one has its model and final metrics) and deletes
/// every temporary file the killed processes left, in the store and beside --out.
/// </summary>
public sealed class KillFaultTests : ScratchFolder
{
    private const int Processes = 10;

    [Fact]
    public async Task TrainingsKilledAtRandomMomentsLeaveAStoreGcMakesTruthful()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGKILL is a POSIX signal.");
        var token = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        var tally = new HostileTally("kills / SIGKILL during training");
        var store = PathOf("store");
        var outputs = PathOf("out");
        Directory.CreateDirectory(outputs);
        var rows = Enumerable.Range(0, 300).Select(i => $"{i % 17 / 17.0:0.###},{i % 5 / 5.0:0.###},{i % 11 / 11.0:0.###}");
        var data = WriteFile("d.csv", "a,b,c\n" + string.Join('\n', rows) + "\n");
        var random = new Random(2024);
        var exits = new List<string>();

        // Two at a time into the same store, each killed after a random 0.2..3 s (before the run is
        // created, while training, while writing the model and pictures, or after it ended).
        for (var i = 0; i < Processes; i += 2)
        {
            var pair = Enumerable.Range(i, 2).Select(n => KillAfterAsync(data, store, Path.Combine(outputs, $"m{n}.som"), TimeSpan.FromMilliseconds(random.Next(200, 3000)), token)).ToArray();
            exits.AddRange(await Task.WhenAll(pair));
            tally.Tried();
            tally.Tried();
        }

        SqliteConnection.ClearAllPools();
        var before = await RunsAsync(store, token);
        var gc = await CliRun.InvokeAsync("runs", "gc", "--store", store, "--outputs", outputs);
        Assert.True(gc.ExitCode == 0, gc.ToString());
        SqliteConnection.ClearAllPools();
        var after = await RunsAsync(store, token);

        tally.Verify("no run lost", () => Assert.Equal(before.Count, after.Count));
        tally.Verify("no run left RUNNING", () => Assert.DoesNotContain(after, r => r.Info.Status == RunStatus.Running));
        var opened = SqliteTrackingStore.Open(store);
        foreach (var run in after.Where(r => r.Info.Status == RunStatus.Finished))
        {
            tally.Verify($"finished run {run.Info.RunId} has its final metrics", () => Assert.Contains("final_quantization_error", run.Metrics.Keys));
            var bytes = await opened.ReadArtifactAsync(run.Info.RunId, "model.som", token);
            tally.Verify($"finished run {run.Info.RunId} has its model", () => Assert.Equal(3, SomFile.FromBytes(bytes, run.Info.RunId).Dimension));
        }

        tally.Verify("no temporary file in the store", () => Assert.Empty(Directory.GetFiles(store, "*.tmp-*", SearchOption.AllDirectories)));
        tally.Verify("no temporary file beside --out", () => Assert.Empty(Directory.GetFiles(outputs, "*.tmp-*")));
        var list = await CliRun.InvokeAsync("runs", "list", "--store", store, "--all-experiments");
        tally.Verify("runs list", () => Assert.True(list.ExitCode == 0, list.ToString()));
        tally.Verify("runs list shows no RUNNING run", () => Assert.DoesNotContain("RUNNING", list.Out, StringComparison.Ordinal));
        SqliteConnection.ClearAllPools();

        var line = $"fault suite: {Processes} trainings killed with SIGKILL ({string.Join(", ", exits.GroupBy(e => e).Select(g => $"{g.Count()} {g.Key}"))}); "
            + $"{before.Count(r => r.Info.Status == RunStatus.Running)} runs left RUNNING, after gc {after.Count(r => r.Info.Status == RunStatus.Finished)} FINISHED, "
            + $"{after.Count(r => r.Info.Status == RunStatus.Failed)} FAILED, 0 RUNNING; {clock.Elapsed.TotalSeconds:0.0} s";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        tally.Verify("bounded time", () => Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), line));
        tally.Done();
    }

    private static async Task<IReadOnlyList<Run>> RunsAsync(string folder, CancellationToken token)
    {
        if (!File.Exists(Path.Combine(folder, "kohonen.db")))
        {
            return [];
        }

        var store = SqliteTrackingStore.Open(folder);
        return await store.SearchRunsAsync(new RunQuery { MaxResults = 10_000 }, token);
    }

    /// <summary>Starts a training and kills it with SIGKILL after <paramref name="delay"/> (unless it has
    /// ended); says whether it was killed or had exited.</summary>
    private static async Task<string> KillAfterAsync(string data, string store, string output, TimeSpan delay, CancellationToken token)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "kohonen.dll"), "train", "--data", data, "--store", store, "--out", output,
                "--width", "16", "--height", "16", "--iterations", "3000", "--quiet",
            },
        };
        using var process = Process.Start(start)!;
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(token), process.StandardError.ReadToEndAsync(token));
        var exited = await Task.WhenAny(process.WaitForExitAsync(token), Task.Delay(delay, token)) is Task t && process.HasExited;
        if (!exited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync(token);
        await drain;
        return exited ? $"exited {process.ExitCode}" : "killed";
    }
}
