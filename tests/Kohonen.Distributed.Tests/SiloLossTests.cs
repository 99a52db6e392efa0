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

        var (result, told) = await fixture.TrainKillingASiloAsync(options, path);

        // The killed silo's partitions (their rows and BMU hints died with it) ran the later epochs on
        // new activations on the survivors; the bytes are still the one machine's.
        Assert.Equal(single, SomFile.ToBytes(result.Model));

        // Each call tried again was told as it happened, naming the call (the epochs count theirs; a
        // measurement between epochs may add more).
        Assert.True(told.Count >= result.Epochs.Sum(e => e.Retries), $"{told.Count} told, {result.Epochs.Sum(e => e.Retries)} counted");
        Assert.All(told, line => Assert.Matches(@"^Partition \d+'s .+ failed \(\w+\); tried again in [\d.]+ s on a surviving worker, attempt \d+ of 9\.$", line));
    }
}
