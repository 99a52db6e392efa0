using System.Net;

namespace Kohonen.Distributed.Tests;

/// <summary>Partitions are spread evenly over the silos: k·N partitions on N silos give each silo k,
/// whatever order the silos are offered in, and only silos offered are chosen.</summary>
public sealed class PartitionPlacementTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly SiloAddress[] Silos =
    [
        SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 11111), 5),
        SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.3"), 11111), 9),
        SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.3"), 11112), 2),
        SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.12"), 11111), 4),
    ];

    [Theory]
    [InlineData(1, "3f2a")]
    [InlineData(2, "job")]
    [InlineData(3, "c0ffee")]
    [InlineData(5, "0123456789abcdef0123456789abcdef")]
    public void K_times_n_partitions_put_k_on_every_silo(int k, string job)
    {
        for (var n = 1; n <= Silos.Length; n++)
        {
            var silos = Silos[..n];
            var counts = Enumerable.Range(0, k * n)
                .Select(p => PartitionPlacementDirector.Choose($"{job}/{p}", silos))
                .GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());

            Assert.Equal(n, counts.Count);
            Assert.All(counts.Values, count => Assert.Equal(k, count));
        }
    }

    [Fact]
    public void Consecutive_partitions_go_to_different_silos_until_every_silo_has_one()
    {
        var chosen = Enumerable.Range(0, Silos.Length).Select(p => PartitionPlacementDirector.Choose($"abc/{p}", Silos)).ToArray();

        Assert.Equal(Silos.Length, chosen.Distinct().Count());
        // Partition p + N lands where partition p did.
        Assert.All(Enumerable.Range(0, Silos.Length), p => Assert.Equal(chosen[p], PartitionPlacementDirector.Choose($"abc/{p + Silos.Length}", Silos)));
    }

    [Fact]
    public void The_order_the_silos_are_offered_in_changes_nothing()
    {
        SiloAddress[][] orders = [Silos, [.. Silos.Reverse()], [Silos[2], Silos[0], Silos[3], Silos[1]]];

        for (var p = 0; p < 12; p++)
        {
            var key = $"9d1e/{p}";
            var first = PartitionPlacementDirector.Choose(key, orders[0]);
            Assert.All(orders, order => Assert.Equal(first, PartitionPlacementDirector.Choose(key, order)));
        }
    }

    [Fact]
    public void A_partition_placed_again_after_a_loss_lands_on_a_silo_still_offered()
    {
        var survivors = Silos.Where((_, i) => i != 1).ToArray();

        for (var p = 0; p < 12; p++)
        {
            Assert.Contains(PartitionPlacementDirector.Choose($"9d1e/{p}", survivors), survivors);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(9)]
    public async Task A_training_on_three_silos_runs_k_partitions_on_each(int partitions)
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.npy");
        const int rows = 900, columns = 4;
        NpyWriter.Write(path, NpyWriter.Skewed(rows, columns, seed: 21), rows, columns);
        var options = new SomOptions
        {
            Width = 6, Height = 5, Scaling = Scaling.ZScore, Initialization = Initialization.Sample,
            Algorithm = TrainingAlgorithm.Batch, Iterations = 3, Seed = 8, MetricsEvery = 3,
        };
        var cluster = fixture.Cluster;
        List<DetailedGrainStatistic> during = [];
        var progress = new Reporter(p =>
        {
            if (p.Iteration == 1)
            {
                // Every partition is active after the first epoch; the trainer waits for this report.
                var read = cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
                Assert.True(read.Wait(TimeSpan.FromSeconds(60)), "the grain statistics did not come within a minute");
                during = [.. read.Result];
            }
        });
        var settings = new ClusterTrainingOptions { Partitions = partitions, CallTimeout = TimeSpan.FromSeconds(20), Threads = 1 };

        await new ClusterTrainer(cluster.Client, settings).FitAsync(options, path, progress: progress, cancellationToken: TestContext.Current.CancellationToken);

        // This training's partitions: the job (key before '/') with as many partitions as asked for;
        // an earlier training's, if not yet deactivated, have another job.
        var jobs = during.Where(s => s.GrainType.Contains(nameof(PartitionGrain), StringComparison.Ordinal))
            .GroupBy(s => s.GrainId.Key.ToString()!.Split('/')[0])
            .Where(g => g.Count() == partitions).ToArray();
        var job = Assert.Single(jobs);
        var perSilo = job.GroupBy(s => s.SiloAddress).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(cluster.Silos.Select(s => s.SiloAddress).Order().ToArray(), perSilo.Keys.Order().ToArray());
        Assert.All(perSilo.Values, count => Assert.Equal(partitions / 3, count));
    }

    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
