using Orleans.TestingHost;

namespace Kohonen.Distributed.Tests;

/// <summary>Three in-process silos (one primary, two that tests may kill) shared by a test class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<WorkerConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Starts a silo in place of one killed and waits (at most a minute) until the cluster
    /// counts three active silos again: the killed one declared dead, the new one joined, so the next
    /// training's partitions are placed over three live silos.</summary>
    public async Task ReplaceKilledSiloAsync()
    {
        await Cluster.StartAdditionalSiloAsync();
        var management = Cluster.Client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while ((await management.GetHosts(onlyActive: true)).Count != 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the cluster did not count three active silos within a minute of a silo's loss");
            await Task.Delay(200);
        }
    }

    /// <summary>Trains <paramref name="path"/> across the cluster in six partitions, killing a secondary
    /// silo (never the primary, which holds the test membership) once the second epoch has reported,
    /// then starts a silo in its place. Checks that the six partitions were spread two to a silo, so
    /// the killed silo held two, whose later epochs ran on new activations on the survivors. Gives
    /// the training's result and the lines its retries told.</summary>
    public async Task<(ClusterTrainingResult Result, IReadOnlyList<string> Told)> TrainKillingASiloAsync(SomOptions options, string path)
    {
        Task? kill = null;
        Dictionary<SiloAddress, int> held = [];
        SiloAddress? victim = null;
        var progress = new Reporter(p =>
        {
            if (p.Iteration == 2)
            {
                kill = Task.Run(async () =>
                {
                    var statistics = await Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
                    held = statistics.Where(s => s.GrainType.Contains(nameof(PartitionGrain), StringComparison.Ordinal))
                        .GroupBy(s => s.SiloAddress).ToDictionary(g => g.Key, g => g.Count());
                    var silo = Cluster.SecondarySilos[0];
                    victim = silo.SiloAddress;
                    await Cluster.KillSiloAsync(silo);
                });
                // The silo is dead before the next epoch starts, however fast the epochs run: the
                // report comes from the trainer between epochs, so waiting here holds the training.
                Assert.True(kill.Wait(TimeSpan.FromSeconds(60)), "the silo was not killed within a minute");
            }
        });
        var told = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var settings = new ClusterTrainingOptions
        {
            Partitions = 6, Retries = 8, RetryDelay = TimeSpan.FromMilliseconds(500), CallTimeout = TimeSpan.FromSeconds(20), Threads = 2, OnRetry = told.Enqueue,
        };

        var result = await new ClusterTrainer(Cluster.Client, settings).FitAsync(options, path, progress: progress, cancellationToken: TestContext.Current.CancellationToken);
        await kill!;
        await ReplaceKilledSiloAsync();

        Assert.Equal(3, held.Count);
        Assert.All(held.Values, count => Assert.Equal(2, count));
        Assert.Equal(2, held.GetValueOrDefault(victim!));
        return (result, [.. told]);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private sealed class WorkerConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => KohonenCluster.ConfigureWorkerServices(siloBuilder, new WorkerOptions { Threads = 1 });
    }
}
