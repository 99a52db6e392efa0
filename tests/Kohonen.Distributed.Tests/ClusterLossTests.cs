using System.Diagnostics;

namespace Kohonen.Distributed.Tests;

/// <summary>Every silo killed during training: the training stops with a clear message after its
/// retries, long before a call's timeout, having reported the epochs done so far.</summary>
public sealed class ClusterLossTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Losing_every_silo_fails_within_the_retries_not_the_call_timeout()
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.npy");
        // Epochs long enough (a second or so on one thread) that the silos die while calls run.
        const int rows = 40_000, columns = 16;
        NpyWriter.Write(path, NpyWriter.Skewed(rows, columns, seed: 3), rows, columns);
        var options = new SomOptions
        {
            Width = 30, Height = 30, Scaling = Scaling.ZScore, Initialization = Initialization.Sample,
            Algorithm = TrainingAlgorithm.Batch, Iterations = 40, Seed = 2, MetricsEvery = 1,
        };
        var cluster = fixture.Cluster;
        var reported = new List<int>();
        Task? kill = null;
        var progress = new Reporter(p =>
        {
            lock (reported)
            {
                reported.Add(p.Iteration);
                if (p.Iteration == 2)
                {
                    // Not awaited: the silos die while the next epoch's calls are on their way.
                    kill = Task.Run(async () =>
                    {
                        foreach (var silo in cluster.Silos.Reverse().ToArray())
                        {
                            await cluster.KillSiloAsync(silo);
                        }
                    });
                }
            }
        });
        // A call may take ten minutes; the retries (3, waits of 0.2, 0.4 and 0.8 s) must end it first.
        var settings = new ClusterTrainingOptions { Partitions = 6, Retries = 3, RetryDelay = TimeSpan.FromMilliseconds(200), CallTimeout = TimeSpan.FromMinutes(10), Threads = 1 };
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ClusterTrainingException>(() =>
            new ClusterTrainer(cluster.Client, settings).FitAsync(options, path, progress: progress, cancellationToken: TestContext.Current.CancellationToken));
        await kill!;

        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"the training took {clock.Elapsed} to fail");
        Assert.Contains("failed 4 times: no worker of the cluster answered", error.Message, StringComparison.Ordinal);
        lock (reported)
        {
            Assert.Equal([1, 2], reported.Take(2));
            Assert.True(reported.Count < options.Iterations, "every epoch was reported although every silo died");
        }
    }

    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
