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

        // Orleans places the partitions as it likes, so a training whose secondary silos held none when
        // one was killed is trained again (at most five times, a silo started in place of each one
        // killed); every training's bytes must be the one machine's.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await TrainKillingASiloAsync(options, path, single) > 0)
            {
                return;
            }
        }

        Assert.Skip("in five trainings Orleans placed no partition on a secondary silo, so none could be killed; the bytes were the one machine's each time");
    }

    /// <summary>Trains across the cluster killing a secondary silo after the second epoch, checks the
    /// bytes, starts a silo in its place; how many partitions the killed silo held.</summary>
    private async Task<int> TrainKillingASiloAsync(SomOptions options, string path, byte[] single)
    {
        var cluster = fixture.Cluster;
        Task? kill = null;
        var victimHeldPartitions = 0;
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
                    victimHeldPartitions = statistics.Count(s => s.GrainType.Contains(nameof(PartitionGrain), StringComparison.Ordinal) && s.SiloAddress.Equals(victim.SiloAddress));
                    await cluster.KillSiloAsync(victim);
                });
                // The silo is dead before the next epoch starts, however fast the epochs run: the
                // report comes from the trainer between epochs, so waiting here holds the training.
                Assert.True(kill.Wait(TimeSpan.FromSeconds(60)), "the silo was not killed within a minute");
            }
        });
        var settings = new ClusterTrainingOptions { Partitions = 6, Retries = 8, RetryDelay = TimeSpan.FromMilliseconds(500), CallTimeout = TimeSpan.FromSeconds(20), Threads = 2 };

        var result = await new ClusterTrainer(cluster.Client, settings).FitAsync(options, path, progress: progress, cancellationToken: TestContext.Current.CancellationToken);
        await kill!;

        await cluster.StartAdditionalSiloAsync();

        // When the killed silo held partitions (their rows and BMU hints died with it), the later epochs
        // ran on new activations elsewhere, whether a call failed first (retries) or Orleans had
        // already moved them; either way the bytes are the one machine's.
        Assert.Equal(single, SomFile.ToBytes(result.Model));
        return victimHeldPartitions;
    }

    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
