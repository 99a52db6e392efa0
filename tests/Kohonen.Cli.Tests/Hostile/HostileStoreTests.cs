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
}
