namespace Kohonen.Distributed.Tests;

/// <summary>A silo killed during training: its partitions move to the survivors, the epoch is
/// redone for them, and the model is still the one machine's, byte for byte.</summary>
public sealed class SiloLossTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_silo_killed_mid_training_changes_no_byte()
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.npy");
        const int rows = 3000, columns = 8;
        NpyWriter.Write(path, NpyWriter.Skewed(rows, columns, seed: 5), rows, columns);
        var options = new SomOptions
        {
            Width = 12, Height = 10, Scaling = Scaling.ZScore, Initialization = Initialization.Sample,
            Algorithm = TrainingAlgorithm.Batch, Iterations = 8, Seed = 4, MetricsEvery = 4,
        };
        using var source = DataSource.FromNpy(path, rowsPerChunk: 1000);
        var single = SomFile.ToBytes(new SomTrainer(options).Fit(source, cancellationToken: TestContext.Current.CancellationToken));

        var cluster = fixture.Cluster;
        Task? kill = null;
        var progress = new Reporter(p =>
        {
            if (p.Iteration == 2)
            {
                // Kill a silo (never the primary, which holds the test membership) that holds a
                // partition, while the next epoch runs.
                kill = Task.Run(async () =>
                {
                    var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
                    var holders = statistics.Where(s => s.GrainType.Contains(nameof(PartitionGrain), StringComparison.Ordinal)).Select(s => s.SiloAddress).ToHashSet();
                    var victim = cluster.SecondarySilos.FirstOrDefault(s => holders.Contains(s.SiloAddress)) ?? cluster.SecondarySilos[0];
                    await cluster.KillSiloAsync(victim);
                });
            }
        });
        var settings = new ClusterTrainingOptions { Partitions = 6, Retries = 8, RetryDelay = TimeSpan.FromMilliseconds(500), CallTimeout = TimeSpan.FromSeconds(20), Threads = 2 };

        var result = await new ClusterTrainer(cluster.Client, settings).FitAsync(options, path, progress: progress, cancellationToken: TestContext.Current.CancellationToken);
        await kill!;

        Assert.True(result.Epochs.Sum(e => e.Retries) > 0, "no call failed: the killed silo held no partition");
        Assert.Equal(single, SomFile.ToBytes(result.Model));
    }

    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
