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

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class WorkerConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => KohonenCluster.ConfigureWorkerServices(siloBuilder, new WorkerOptions { Threads = 1 });
    }
}
