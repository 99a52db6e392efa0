using System.Diagnostics;

namespace Kohonen.Distributed.Tests;

/// <summary>What a cluster cannot train is a usage error (exit 2) that says why, before any
/// connection is tried.</summary>
public sealed class ClusterFlagsTests
{
    public static TheoryData<string[], string> Refused => new()
    {
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.csv", "--epochs", "2", "--no-track", "--out", "m.som"], "--cluster reads a .npy file" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.npy", "--iterations", "2", "--no-track", "--out", "m.som"], "--cluster trains the batch map" },
        { ["train", "--cluster", "http://127.0.0.1:1", "--data", "rows.npy", "--epochs", "2", "--no-track", "--out", "m.som"], "is not redis://HOST:PORT" },
        { ["train", "--partitions", "3", "--data", "rows.npy", "--epochs", "2", "--no-track", "--out", "m.som"], "--partitions goes with --cluster" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--partitions", "0", "--data", "rows.npy", "--epochs", "2", "--no-track", "--out", "m.som"], "--partitions must be in 1..65536" },
        { ["worker"], "kohonen worker needs a cluster to join" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_training_a_cluster_cannot_do_is_a_usage_error(string[] arguments, string expected)
    {
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = folder.Path };
        start.Environment.Remove("KOHONEN_CLUSTER");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kohonen.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(expected, await errors, StringComparison.Ordinal);
    }
}
