using Kohonen.Testing;
using Microsoft.Data.Sqlite;

namespace Kohonen.Cli.Tests.Hostile;

/// <summary>
/// Stores damaged behind the tool's back: a run with a status no version writes, a database whose
/// pages were overwritten, a file that is no database. Every command ends with exit 1 and one line
/// naming the store's folder and what is wrong, never an unexpected SQLite exception.
/// </summary>
public sealed class HostileStoreTests : ScratchFolder
{
    private async Task<string> TrainedStoreAsync(string name)
    {
        var store = PathOf(name);
        var data = WriteFile($"{name}.csv", "a,b\n0.1,0.2\n0.3,0.4\n0.5,0.1\n");
        var run = await CliRun.InvokeAsync("train", "--data", data, "--store", store, "--width", "3", "--height", "3", "--no-plots", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        SqliteConnection.ClearAllPools();
        return store;
    }

    private static async Task AssertStoreFailureAsync(string store, string because, string reason, params string[] args)
    {
        var run = await CliRun.InvokeAsync([.. args, "--store", store]);
        Assert.True(run.ExitCode == 1, $"{because}: {run}");
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains($"The store in '{store}'", run.Error, StringComparison.Ordinal);
        Assert.Contains(reason, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("unexpected", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownStatusNamesTheRunAndTheStore()
    {
        var store = await TrainedStoreAsync("weird");
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(store, "kohonen.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE runs SET status = 'WEIRD'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var tally = new HostileTally("stores / an unknown run status");
        await tally.CheckAsync("WEIRD", () => AssertStoreFailureAsync(store, "WEIRD", "has the status 'WEIRD'; a status is RUNNING, FINISHED, FAILED or KILLED", "runs", "list"));
        tally.Done();
    }

    [Theory]
    [InlineData("header", 0)]
    [InlineData("pages", 100)]
    [InlineData("second page", 4096)]
    public async Task ADamagedDatabaseIsRefusedNamingTheStore(string what, int offset)
    {
        var store = await TrainedStoreAsync(what.Replace(' ', '-'));
        var db = Path.Combine(store, "kohonen.db");
        foreach (var leftover in Directory.GetFiles(store, "kohonen.db-*"))
        {
            File.Delete(leftover);
        }

        var bytes = File.ReadAllBytes(db);
        var junk = new Random(offset).GetItems<byte>([0x00, 0x5A, 0xFF, 0x13], Math.Min(2000, bytes.Length - offset));
        junk.CopyTo(bytes, offset);
        File.WriteAllBytes(db, bytes);

        var tally = new HostileTally("stores / damaged databases");
        await tally.CheckAsync(what, () => AssertStoreFailureAsync(store, what, "cannot be used:", "runs", "list"));
        tally.Done();
    }

    [Fact]
    public async Task AFullDiskAndAReadOnlyStoreAreOneLineEach()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "A tmpfs is Linux's.");
        var disk = PathOf("disk");
        Directory.CreateDirectory(disk);
        Assert.SkipUnless(await CommandAsync("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk) == 0, "Mounting a small tmpfs is not allowed here (it needs root).");
        var tally = new HostileTally("stores / a full disk and a read-only store");
        try
        {
            var store = Path.Combine(disk, "store");
            var data = WriteFile("full.csv", "a,b\n0.1,0.2\n0.3,0.4\n0.5,0.1\n");
            string[] train = ["train", "--data", data, "--width", "3", "--height", "3", "--iterations", "20", "--no-plots", "--quiet"];
            var first = await CliRun.InvokeAsync([.. train, "--store", store]);
            Assert.True(first.ExitCode == 0, first.ToString());
            SqliteConnection.ClearAllPools();

            var filler = Path.Combine(disk, "filler");
            try
            {
                using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1);
                var block = new byte[64 << 10];
                while (true)
                {
                    stream.Write(block);
                }
            }
            catch (IOException)
            {
                // The disk is full.
            }

            await tally.CheckAsync("train into a full disk", () => AssertStoreFailureAsync(store, "a full disk", "cannot be used:", train));
            SqliteConnection.ClearAllPools();
            File.Delete(filler);
            Assert.Equal(0, await CommandAsync("mount", "-o", "remount,ro", disk));
            await tally.CheckAsync("train into a read-only store", () => AssertStoreFailureAsync(store, "a read-only store", "read-only", train));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            await CommandAsync("umount", disk);
        }

        tally.Done();
    }

    private static async Task<int> CommandAsync(string name, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(name) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return process.ExitCode;
    }
}
