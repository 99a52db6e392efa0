using System.Globalization;

namespace Kohonen.Distributed.Tests;

/// <summary>
/// Shard files, one partition each: the cluster writes the model one machine writes from the
/// shards' rows one after the other (one file holding them all), byte for byte.
/// </summary>
public sealed class ShardTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static ClusterTrainingOptions Settings() =>
        new() { Partitions = 2, Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(200), CallTimeout = TimeSpan.FromSeconds(60), Threads = 2 };

    private static SomOptions Options(Scaling scaling, Initialization init) => new()
    {
        Width = 7, Height = 4, Scaling = scaling, Initialization = init, Algorithm = TrainingAlgorithm.Batch, Iterations = 5, Seed = 3, MetricsEvery = 2,
    };

    [Theory]
    [InlineData(Scaling.ZScore, Initialization.Sample)]
    [InlineData(Scaling.MinMax, Initialization.Random)]
    public async Task Npy_shards_train_to_the_bytes_of_one_file_holding_their_rows(Scaling scaling, Initialization init)
    {
        using var folder = new TempFolder();
        const int columns = 6;
        int[] sizes = [400, 650, 1, 300];
        var values = NpyWriter.Skewed(sizes.Sum(), columns, seed: 31);
        var shards = new List<string>();
        var at = 0;
        foreach (var size in sizes)
        {
            var shard = folder.File($"part-{shards.Count}.npy");
            NpyWriter.Write(shard, values[(at * columns)..((at + size) * columns)], size, columns);
            shards.Add(shard);
            at += size;
        }

        var whole = folder.File("whole.npy");
        NpyWriter.Write(whole, values, sizes.Sum(), columns);
        using var source = DataSource.FromNpy(whole, rowsPerChunk: 333);
        var single = SomFile.ToBytes(new SomTrainer(Options(scaling, init)).Fit(source, cancellationToken: TestContext.Current.CancellationToken));

        var result = await new ClusterTrainer(fixture.Cluster.Client, Settings()).FitShardsAsync(Options(scaling, init), shards, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(sizes.Length, result.Partitions); // one per shard, whatever Settings().Partitions says
        Assert.Equal(single, SomFile.ToBytes(result.Model));
    }

    [Fact]
    public async Task Csv_shards_each_with_its_header_train_to_the_bytes_of_one_file()
    {
        using var folder = new TempFolder();
        var random = new Random(8);
        string Row() => string.Join(',', Enumerable.Range(0, 3).Select(_ => (random.NextDouble() * 50).ToString("0.###", CultureInfo.InvariantCulture)));
        var rows = Enumerable.Range(0, 900).Select(_ => Row()).ToArray();
        int[] cuts = [0, 250, 251, 900];
        var shards = new List<string>();
        for (var s = 0; s + 1 < cuts.Length; s++)
        {
            var shard = folder.File($"part-{s}.csv");
            File.WriteAllLines(shard, ["u,v,w", .. rows[cuts[s]..cuts[s + 1]]]);
            shards.Add(shard);
        }

        var whole = folder.File("whole.csv");
        File.WriteAllLines(whole, ["u,v,w", .. rows]);
        var options = Options(Scaling.ZScore, Initialization.Sample);
        var single = SomFile.ToBytes(new SomTrainer(options).Fit(DataSource.FromCsv(CsvDataReader.Read(whole)), cancellationToken: TestContext.Current.CancellationToken));

        var result = await new ClusterTrainer(fixture.Cluster.Client, Settings()).FitShardsAsync(options, shards, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, result.Partitions);
        Assert.Equal(["u", "v", "w"], result.Model.FeatureNames);
        Assert.Equal(single, SomFile.ToBytes(result.Model));
    }

    [Fact]
    public async Task Shards_of_different_columns_are_refused_naming_both()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(folder.File("a.csv"), ["u,v", "1,2", "3,4"]);
        File.WriteAllLines(folder.File("b.csv"), ["u,w", "5,6"]);

        var error = await Assert.ThrowsAsync<ClusterTrainingException>(() => new ClusterTrainer(fixture.Cluster.Client, Settings())
            .FitShardsAsync(Options(Scaling.None, Initialization.Random), [folder.File("a.csv"), folder.File("b.csv")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains($"{folder.File("a.csv")} has u, v; {folder.File("b.csv")} has u, w", error.Message, StringComparison.Ordinal);
    }
}
