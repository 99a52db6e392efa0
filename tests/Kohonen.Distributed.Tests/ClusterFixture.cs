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
