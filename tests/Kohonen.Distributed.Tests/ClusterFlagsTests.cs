using System.Diagnostics;

namespace Kohonen.Distributed.Tests;

/// <summary>What a cluster cannot train is a usage error (exit 2) that says why, before any
/// connection is tried.</summary>
public sealed class ClusterFlagsTests
{
    public static TheoryData<string[], string> Refused => new()
    {
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.xlsx", "--epochs", "2", "--no-track", "--out", "m.som"], "--cluster reads a data file every worker can reach: give it as --data FILE (.npy, .csv, .tsv, .txt or .parquet)" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.npy", "--columns", "0,1", "--epochs", "2", "--no-track", "--out", "m.som"], "--cluster trains on every column of the .npy file" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.csv", "--label-column", "kind", "--epochs", "2", "--no-track", "--out", "m.som"], "labels and targets (--label-column, --target-column, --supervised) and segments (--clusters) are not trained across a cluster" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.parquet", "--clusters", "3", "--epochs", "2", "--no-track", "--out", "m.som"], "are not trained across a cluster" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.csv", "--categorical", "kind", "--epochs", "2", "--no-track", "--out", "m.som"], "--categorical and --feature-weight are not trained across a cluster" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.csv", "--batch-size", "100", "--epochs", "2", "--no-track", "--out", "m.som"], "--cluster and --batch-size do not go together" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.parquet", "--header", "yes", "--epochs", "2", "--no-track", "--out", "m.som"], "--header and --delimiter apply to CSV and TSV files" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "rows.npy", "--iterations", "2", "--no-track", "--out", "m.som"], "--cluster trains the batch map" },
        { ["train", "--cluster", "http://127.0.0.1:1", "--data", "rows.npy", "--epochs", "2", "--no-track", "--out", "m.som"], "is not redis://HOST:PORT" },
        { ["train", "--partitions", "3", "--data", "rows.npy", "--epochs", "2", "--no-track", "--out", "m.som"], "--partitions goes with --cluster" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--partitions", "0", "--data", "rows.npy", "--epochs", "2", "--no-track", "--out", "m.som"], "--partitions must be in 1..65536" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", ".", "--epochs", "2", "--no-track", "--out", "m.som"], "mixes data files of several kinds (.csv, .parquet); shards must be of one kind" },
        { ["train", "--cluster", "redis://127.0.0.1:1", "--data", "csvs", "--partitions", "2", "--epochs", "2", "--no-track", "--out", "m.som"], "--partitions does not go with a folder of shards" },
        { ["worker"], "kohonen worker needs a cluster to join" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_training_a_cluster_cannot_do_is_a_usage_error(string[] arguments, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("rows.csv"), "kind,a\nx,1\n");
        File.WriteAllBytes(folder.File("rows.parquet"), []);
        Directory.CreateDirectory(folder.File("csvs"));
        File.WriteAllText(folder.File("csvs/a.csv"), "a\n1\n");
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
