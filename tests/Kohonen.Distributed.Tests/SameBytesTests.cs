namespace Kohonen.Distributed.Tests;

/// <summary>
/// The contract: a batch map trained across three silos is the model file one machine writes for the
/// same file and options, byte for byte, whatever the grid, scaling, initialisation and partitions.
/// </summary>
public sealed class SameBytesTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static ClusterTrainingOptions Settings(int partitions) =>
        new() { Partitions = partitions, Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(200), CallTimeout = TimeSpan.FromSeconds(60), Threads = 2 };

    public static TheoryData<int, int, Topology, bool, Neighborhood, Scaling, Initialization, int> Cases => new()
    {
        { 7, 5, Topology.Rectangular, false, Neighborhood.Gaussian, Scaling.ZScore, Initialization.Random, 3 },
        { 6, 6, Topology.Hexagonal, false, Neighborhood.Bubble, Scaling.MinMax, Initialization.Sample, 5 },
        { 8, 4, Topology.Rectangular, true, Neighborhood.Gaussian, Scaling.None, Initialization.Random, 1 },
        { 5, 9, Topology.Rectangular, false, Neighborhood.Triangle, Scaling.ZScore, Initialization.Sample, 7 },
        { 40, 30, Topology.Rectangular, false, Neighborhood.Gaussian, Scaling.MinMax, Initialization.Sample, 4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_cluster_writes_the_bytes_one_machine_writes(int width, int height, Topology topology, bool toroidal,
        Neighborhood neighborhood, Scaling scaling, Initialization init, int partitions)
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.npy");
        const int rows = 1500, columns = 9;
        NpyWriter.Write(path, NpyWriter.Skewed(rows, columns, seed: width * height), rows, columns);
        var options = new SomOptions
        {
            Width = width, Height = height, Topology = topology, Toroidal = toroidal, Neighborhood = neighborhood,
            Scaling = scaling, Initialization = init, Algorithm = TrainingAlgorithm.Batch, Iterations = 6, Seed = 11, MetricsEvery = 2,
        };

        using var source = DataSource.FromNpy(path, rowsPerChunk: 400);
        var single = SomFile.ToBytes(new SomTrainer(options).Fit(source, cancellationToken: TestContext.Current.CancellationToken));
        var result = await new ClusterTrainer(fixture.Cluster.Client, Settings(partitions)).FitAsync(options, path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Math.Min(partitions, rows), result.Partitions);
        Assert.Equal(3, result.Workers);
        Assert.Equal(options.Iterations, result.Epochs.Count);
        Assert.Equal(3, result.Model.History.Count); // measured at epochs 2, 4 and 6, as one machine does
        Assert.Equal(single, SomFile.ToBytes(result.Model));
    }

    [Fact]
    public async Task The_sums_keep_row_order_where_partial_sums_would_round_differently()
    {
        // One column: 2^60, 1, −2^60, 1 on a one-node map. In row order the double sum is
        // ((2^60 + 1) − 2^60) + 1 = 0 + 1 = 1 (the first 1 is below 2^60's last bit), so the node
        // becomes 1/4. Two partitions summed apart and then added give 2^60 + (−2^60) = 0 instead.
        using var folder = new TempFolder();
        var path = folder.File("rounding.npy");
        var big = (float)Math.Pow(2, 60);
        NpyWriter.Write(path, [big, 1f, -big, 1f], 4, 1);
        var options = new SomOptions { Width = 1, Height = 1, Algorithm = TrainingAlgorithm.Batch, Iterations = 1, Seed = 1, Scaling = Scaling.None, Sigma = 2 };

        var result = await new ClusterTrainer(fixture.Cluster.Client, Settings(2)).FitAsync(options, path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0.25f, result.Model.CodebookArray[0]);
        using var source = DataSource.FromNpy(path, rowsPerChunk: 4);
        Assert.Equal(SomFile.ToBytes(new SomTrainer(options).Fit(source, cancellationToken: TestContext.Current.CancellationToken)), SomFile.ToBytes(result.Model));
    }

    [Fact]
    public async Task A_file_the_workers_cannot_read_fails_with_its_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), "kohonen-no-such-" + Guid.NewGuid().ToString("N") + ".npy");
        var options = new SomOptions { Width = 3, Height = 3, Algorithm = TrainingAlgorithm.Batch, Iterations = 1, Seed = 1 };

        var error = await Assert.ThrowsAsync<ClusterTrainingException>(() =>
            new ClusterTrainer(fixture.Cluster.Client, Settings(2)).FitAsync(options, missing, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_online_algorithm_and_pca_are_refused()
    {
        var trainer = new ClusterTrainer(fixture.Cluster.Client, Settings(2));
        await Assert.ThrowsAsync<SomOptionsException>(() => trainer.FitAsync(new SomOptions { Algorithm = TrainingAlgorithm.Online }, "x.npy", cancellationToken: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<SomOptionsException>(() => trainer.FitAsync(new SomOptions { Algorithm = TrainingAlgorithm.Batch, Initialization = Initialization.Pca }, "x.npy", cancellationToken: TestContext.Current.CancellationToken));
    }
}
