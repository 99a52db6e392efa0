using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kohonen.Distributed.Tests;

/// <summary>
/// The real thing: Redis (KOHONEN_TEST_REDIS=redis://HOST:PORT, which CI starts), three
/// <c>kohonen worker</c> processes and <c>kohonen train --cluster</c>, one worker killed by its process
/// id during training; the model file is the one <c>kohonen train</c> writes on one machine. Then every
/// worker killed: the training fails after its retries and its run is FAILED with its curve so far. Skipped
/// without KOHONEN_TEST_REDIS unless KOHONEN_REQUIRE_REDIS=1 (CI), where it fails instead.
/// </summary>
public sealed partial class RealClusterTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<Process> _workers = [];

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [Fact]
    public async Task Three_worker_processes_with_one_killed_write_the_one_machine_bytes()
    {
        var redis = Environment.GetEnvironmentVariable("KOHONEN_TEST_REDIS");
        if (Environment.GetEnvironmentVariable("KOHONEN_REQUIRE_REDIS") == "1")
        {
            Assert.False(string.IsNullOrEmpty(redis), "KOHONEN_REQUIRE_REDIS=1 but KOHONEN_TEST_REDIS names no Redis");
        }

        Assert.SkipWhen(string.IsNullOrEmpty(redis), "KOHONEN_TEST_REDIS is not set (CI starts a Redis and sets it).");
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM is a POSIX signal.");
        var cancel = TestContext.Current.CancellationToken;
        var data = _folder.File("rows.npy");
        // Long enough (60 epochs) that the training still runs well after the kill on a fast machine.
        const int rows = 60_000, columns = 8;
        NpyWriter.Write(data, NpyWriter.Skewed(rows, columns, seed: 21), rows, columns);
        string[] options = ["--data", data, "--epochs", "60", "--width", "16", "--height", "16", "--scale", "zscore", "--init", "sample", "--seed", "8", "--threads", "1", "--no-track", "--no-plots"];

        for (var i = 0; i < 3; i++)
        {
            _workers.Add(Start(["worker", "--cluster", redis!, "--threads", "1"]));
        }

        foreach (var worker in _workers)
        {
            var line = await worker.StandardError.ReadLineAsync(cancel);
            Assert.StartsWith("kohonen worker: joined", line, StringComparison.Ordinal);
        }

        var (code, said) = await RunAsync(["train", .. options, "--quiet", "--out", _folder.File("one.som")], cancel);
        Assert.True(code == 0, said);

        using var train = Start(["train", "--cluster", redis!, "--partitions", "9", "--retries", "6", "--out", _folder.File("cluster.som"), .. options]);
        var stdout = train.StandardOutput.ReadToEndAsync(cancel);
        // Progress lines "train: N/60 ..." come on standard error (every tenth); kill a worker at the first.
        var killed = false;
        var errors = new List<string>();
        while (await train.StandardError.ReadLineAsync(cancel) is { } line)
        {
            errors.Add(line);
            if (!killed && line.StartsWith("train: ", StringComparison.Ordinal) && !line.StartsWith("train: 1/", StringComparison.Ordinal))
            {
                _workers[1].Kill();
                killed = true;
            }
        }

        await train.WaitForExitAsync(cancel);
        Assert.True(train.ExitCode == 0, string.Join('\n', errors));
        Assert.True(killed, "training ended before a worker could be killed: " + string.Join('\n', errors));
        // "  cluster             3 workers, 9 partitions, 123,456 bytes per epoch, 2 calls tried again"
        var summary = (await stdout).Split('\n').Single(l => l.StartsWith("  cluster ", StringComparison.Ordinal));
        Assert.Contains(" 3 workers, 9 partitions, ", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 calls tried again", summary, StringComparison.Ordinal);
        // The lost worker was told while the training went on, not only counted at its end.
        Assert.Contains(errors, l => l.StartsWith("cluster: Partition ", StringComparison.Ordinal) && l.Contains("tried again in", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllBytes(_folder.File("one.som")), File.ReadAllBytes(_folder.File("cluster.som")));

        // The survivors leave the cluster cleanly on SIGTERM.
        foreach (var worker in new[] { _workers[0], _workers[2] })
        {
            Assert.Equal(0, kill(worker.Id, 15));
            var rest = await worker.StandardError.ReadToEndAsync(cancel);
            await worker.WaitForExitAsync(cancel);
            Assert.Equal(0, worker.ExitCode);
            Assert.Contains("kohonen worker: left the cluster.", rest, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Three_worker_processes_all_killed_fail_the_run_with_its_metrics_so_far()
    {
        var redis = Environment.GetEnvironmentVariable("KOHONEN_TEST_REDIS");
        if (Environment.GetEnvironmentVariable("KOHONEN_REQUIRE_REDIS") == "1")
        {
            Assert.False(string.IsNullOrEmpty(redis), "KOHONEN_REQUIRE_REDIS=1 but KOHONEN_TEST_REDIS names no Redis");
        }

        Assert.SkipWhen(string.IsNullOrEmpty(redis), "KOHONEN_TEST_REDIS is not set (CI starts a Redis and sets it).");
        var cancel = TestContext.Current.CancellationToken;
        var data = _folder.File("rows.npy");
        const int rows = 60_000, columns = 8;
        NpyWriter.Write(data, NpyWriter.Skewed(rows, columns, seed: 22), rows, columns);
        for (var i = 0; i < 3; i++)
        {
            _workers.Add(Start(["worker", "--cluster", redis!, "--threads", "1"]));
        }

        foreach (var worker in _workers)
        {
            var line = await worker.StandardError.ReadLineAsync(cancel);
            Assert.StartsWith("kohonen worker: joined", line, StringComparison.Ordinal);
        }

        // Recorded, with its training curve (QE and TE every 10th epoch for this size); a call may
        // take the default 300 s, so only the retries (2, waits of 2 and 4 s) end the training soon.
        var store = _folder.File("store");
        using var train = Start(["train", "--cluster", redis!, "--partitions", "6", "--retries", "2", "--data", data, "--epochs", "60", "--width", "16", "--height", "16",
            "--scale", "zscore", "--init", "sample", "--seed", "8", "--threads", "1", "--store", store, "--out", _folder.File("never.som")]);
        var stdout = train.StandardOutput.ReadToEndAsync(cancel);
        Stopwatch? sinceKill = null;
        var errors = new List<string>();
        while (await train.StandardError.ReadLineAsync(cancel) is { } line)
        {
            errors.Add(line);
            // "train: 24/60 ..." comes after the curve's points at epochs 10 and 20.
            if (sinceKill is null && line.StartsWith("train: ", StringComparison.Ordinal) && int.Parse(line[7..line.IndexOf('/', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) >= 24)
            {
                foreach (var worker in _workers)
                {
                    worker.Kill(); // SIGKILL, by the worker's own process id
                }

                sinceKill = Stopwatch.StartNew();
            }
        }

        await train.WaitForExitAsync(cancel);
        await stdout;

        // Workers that died together leave their rows in the membership table (no survivor declared
        // them dead): remove it, so the next test's workers meet a clean Redis.
        using (var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(KohonenCluster.RedisEndpoint(redis!)))
        {
            await connection.GetDatabase().KeyDeleteAsync($"{KohonenCluster.ClusterId}/members/{KohonenCluster.ClusterId}");
        }

        var said = string.Join('\n', errors);
        Assert.True(sinceKill is not null, "training ended before the workers could be killed: " + said);
        Assert.Equal(1, train.ExitCode);
        Assert.True(sinceKill.Elapsed < TimeSpan.FromSeconds(120), $"the training took {sinceKill.Elapsed} after the kill to fail:\n{said}");
        Assert.Contains("failed 3 times: no worker of the cluster answered", said, StringComparison.Ordinal);
        Assert.Contains("attempt 3 of 3.", said, StringComparison.Ordinal); // the two tries before it were told
        Assert.DoesNotContain("   at ", said, StringComparison.Ordinal); // no stack trace
        Assert.False(File.Exists(_folder.File("never.som")));

        var tracking = Kohonen.Tracking.SqliteTrackingStore.Open(store);
        var run = Assert.Single(await tracking.SearchRunsAsync(new Kohonen.Tracking.RunQuery(), cancel));
        Assert.Equal(Kohonen.Tracking.RunStatus.Failed, run.Info.Status);
        var curve = await tracking.GetMetricHistoryAsync(run.Info.RunId, "quantization_error", cancel);
        Assert.Equal([10L, 20L], curve.Select(m => m.Step).Take(2));
        Assert.All(curve, m => Assert.True(m.Value > 0 && double.IsFinite(m.Value)));
        Assert.True(curve.Count < 6, "the curve reached the end although every worker died");
    }

    [Fact]
    public async Task Csv_and_parquet_files_train_through_worker_processes_to_the_one_machine_bytes()
    {
        var redis = Environment.GetEnvironmentVariable("KOHONEN_TEST_REDIS");
        if (Environment.GetEnvironmentVariable("KOHONEN_REQUIRE_REDIS") == "1")
        {
            Assert.False(string.IsNullOrEmpty(redis), "KOHONEN_REQUIRE_REDIS=1 but KOHONEN_TEST_REDIS names no Redis");
        }

        Assert.SkipWhen(string.IsNullOrEmpty(redis), "KOHONEN_TEST_REDIS is not set (CI starts a Redis and sets it).");
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM is a POSIX signal.");
        var cancel = TestContext.Current.CancellationToken;
        const int rows = 5_000, columns = 4;
        var values = NpyWriter.Skewed(rows, columns, seed: 23);
        var csv = _folder.File("rows.csv");
        File.WriteAllLines(csv, [
            "id,a,b,c,d",
            .. Enumerable.Range(0, rows).Select(r => $"row{r}," + string.Join(',', values.Skip(r * columns).Take(columns).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))),
        ]);
        var parquet = _folder.File("rows.parquet");
        await using (var stream = File.Create(parquet))
        {
            var fields = new[] { "a", "b", "c", "d" }.Select(n => new Parquet.Schema.DataField<float>(n)).ToArray();
            await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), stream, cancellationToken: cancel);
            for (var first = 0; first < rows; first += 1_500)
            {
                using var group = writer.CreateRowGroup();
                var size = Math.Min(1_500, rows - first);
                for (var c = 0; c < columns; c++)
                {
                    await group.WriteAsync<float>(fields[c], Enumerable.Range(first, size).Select(r => values[(r * columns) + c]).ToArray().AsMemory());
                }
            }
        }

        for (var i = 0; i < 2; i++)
        {
            _workers.Add(Start(["worker", "--cluster", redis!, "--threads", "1"]));
        }

        foreach (var worker in _workers)
        {
            var line = await worker.StandardError.ReadLineAsync(cancel);
            Assert.StartsWith("kohonen worker: joined", line, StringComparison.Ordinal);
        }

        string[] options = ["--epochs", "8", "--width", "12", "--height", "9", "--scale", "zscore", "--init", "sample", "--seed", "4", "--threads", "1", "--no-track", "--no-plots", "--quiet"];
        foreach (var (name, data, choice) in new[] { ("csv", csv, new[] { "--columns", "d,a,c" }), ("parquet", parquet, Array.Empty<string>()) })
        {
            var (code, said) = await RunAsync(["train", "--data", data, .. choice, .. options, "--out", _folder.File($"{name}-one.som")], cancel);
            Assert.True(code == 0, said);
            (code, said) = await RunAsync(["train", "--data", data, .. choice, .. options, "--batch-size", "700", "--out", _folder.File($"{name}-streamed.som")], cancel);
            Assert.True(code == 0, said);
            (code, said) = await RunAsync(["train", "--cluster", redis!, "--partitions", "7", "--data", data, .. choice, .. options, "--out", _folder.File($"{name}-cluster.som")], cancel);
            Assert.True(code == 0, said);

            var one = File.ReadAllBytes(_folder.File($"{name}-one.som"));
            Assert.Equal(one, File.ReadAllBytes(_folder.File($"{name}-streamed.som")));
            Assert.Equal(one, File.ReadAllBytes(_folder.File($"{name}-cluster.som")));
        }

        // A folder of shards, a partition each: the rows of rows.csv cut into three files with a header each.
        var lines = File.ReadAllLines(csv);
        var shards = Directory.CreateDirectory(_folder.File("shards")).FullName;
        int[] cuts = [1, 1_700, 1_701, rows + 1];
        for (var s = 0; s + 1 < cuts.Length; s++)
        {
            File.WriteAllLines(Path.Combine(shards, $"part-{s}.csv"), [lines[0], .. lines[cuts[s]..cuts[s + 1]]]);
        }

        var (shardCode, shardSaid) = await RunAsync(["train", "--cluster", redis!, "--data", shards, "--columns", "d,a,c", .. options, "--json", "--out", _folder.File("shards-cluster.som")], cancel);
        Assert.True(shardCode == 0, shardSaid);
        Assert.Equal(File.ReadAllBytes(_folder.File("csv-one.som")), File.ReadAllBytes(_folder.File("shards-cluster.som")));

        // A missing value is refused before the workers are asked (exit 2, the line and column named).
        File.WriteAllLines(_folder.File("gaps.csv"), ["a,b", "1,2", "3,", "5,6"]);
        var (refused, why) = await RunAsync(["train", "--cluster", redis!, "--data", _folder.File("gaps.csv"), .. options, "--out", _folder.File("gaps.som")], cancel);
        Assert.Equal(2, refused);
        Assert.Contains("line 3, column 2 ('b')", why, StringComparison.Ordinal);

        foreach (var worker in _workers)
        {
            Assert.Equal(0, kill(worker.Id, 15));
            await worker.StandardError.ReadToEndAsync(cancel);
            await worker.WaitForExitAsync(cancel);
        }
    }

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            if (!worker.HasExited)
            {
                worker.Kill();
                worker.WaitForExit();
            }

            worker.Dispose();
        }

        _folder.Dispose();
    }

    private Process Start(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = _folder.Path,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kohonen.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private async Task<(int ExitCode, string Errors)> RunAsync(string[] arguments, CancellationToken cancel)
    {
        using var process = Start(arguments);
        var errors = process.StandardError.ReadToEndAsync(cancel);
        await process.StandardOutput.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        return (process.ExitCode, await errors);
    }
}
