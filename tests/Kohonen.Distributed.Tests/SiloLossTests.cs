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
        Dictionary<SiloAddress, int> held = [];
        SiloAddress? victim = null;
        var progress = new Reporter(p =>
        {
            if (p.Iteration == 2)
            {
                // Kill a secondary silo (never the primary, which holds the test membership) while the
                // next epoch runs; the six partitions are spread two to a silo, so it holds two.
                kill = Task.Run(async () =>
                {
                    var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
                    held = statistics.Where(s => s.GrainType.Contains(nameof(PartitionGrain), StringComparison.Ordinal))
                        .GroupBy(s => s.SiloAddress).ToDictionary(g => g.Key, g => g.Count());
                    var silo = cluster.SecondarySilos[0];
                    victim = silo.SiloAddress;
                    await cluster.KillSiloAsync(silo);
                });
                // The silo is dead before the next epoch starts, however fast the epochs run: the
                // report comes from the trainer between epochs, so waiting here holds the training.
                Assert.True(kill.Wait(TimeSpan.FromSeconds(60)), "the silo was not killed within a minute");
            }
        });
        var told = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var settings = new ClusterTrainingOptions { Partitions = 6, Retries = 8, RetryDelay = TimeSpan.FromMilliseconds(500), CallTimeout = TimeSpan.FromSeconds(20), Threads = 2, OnRetry = told.Enqueue };

        var result = await new ClusterTrainer(cluster.Client, settings).FitAsync(options, path, progress: progress, cancellationToken: TestContext.Current.CancellationToken);
        await kill!;
        await fixture.ReplaceKilledSiloAsync();

        Assert.Equal(3, held.Count);
        Assert.All(held.Values, count => Assert.Equal(2, count));
        Assert.Equal(2, held.GetValueOrDefault(victim!));
        // The killed silo's partitions (their rows and BMU hints died with it) ran the later epochs on
        // new activations on the survivors; the bytes are still the one machine's.
        Assert.Equal(single, SomFile.ToBytes(result.Model));

        // Each call tried again was told as it happened, naming the call (the epochs count theirs; a
        // measurement between epochs may add more).
        Assert.True(told.Count >= result.Epochs.Sum(e => e.Retries), $"{told.Count} told, {result.Epochs.Sum(e => e.Retries)} counted");
        Assert.All(told, line => Assert.Matches(@"^Partition \d+'s .+ failed \(\w+\); tried again in [\d.]+ s on a surviving worker, attempt \d+ of 9\.$", line));
    }

    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
