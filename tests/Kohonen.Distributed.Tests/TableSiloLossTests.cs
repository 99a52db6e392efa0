using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Kohonen.Distributed.Tests;

/// <summary>A silo killed during training on a CSV or Parquet file: its partitions are activated on
/// the survivors, read their row ranges of the file again, and the model is still the one machine's,
/// byte for byte. Each training kills a secondary silo (holding two of the six partitions) and
/// starts another in its place, so every test begins with the fixture's three silos.</summary>
public sealed class TableSiloLossTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Rows = 3000, Columns = 5;

    private static readonly SomOptions Options = new()
    {
        Width = 10, Height = 8, Scaling = Scaling.ZScore, Initialization = Initialization.Sample,
        Algorithm = TrainingAlgorithm.Batch, Iterations = 6, Seed = 6, MetricsEvery = 3,
    };

    [Fact]
    public async Task A_silo_killed_while_training_on_a_csv_file_changes_no_byte()
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.csv");
        var values = NpyWriter.Skewed(Rows, Columns, seed: 12);
        File.WriteAllLines(path, [
            "v,w,x,y,z",
            .. Enumerable.Range(0, Rows).Select(r => string.Join(',', values.Skip(r * Columns).Take(Columns).Select(v => v.ToString("R", CultureInfo.InvariantCulture)))),
        ]);
        var single = SomFile.ToBytes(new SomTrainer(Options).Fit(DataSource.FromCsv(CsvDataReader.Read(path)), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(single, await TrainKillingASiloAsync(path));
    }

    [Fact]
    public async Task A_silo_killed_while_training_on_a_parquet_file_changes_no_byte()
    {
        using var folder = new TempFolder();
        var path = folder.File("rows.parquet");
        var values = NpyWriter.Skewed(Rows, Columns, seed: 13);
        var fields = Enumerable.Range(0, Columns).Select(c => new DataField<float>($"f{c}")).ToArray();
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, cancellationToken: TestContext.Current.CancellationToken);
            for (var first = 0; first < Rows; first += 700)
            {
                using var group = writer.CreateRowGroup();
                var size = Math.Min(700, Rows - first);
                for (var c = 0; c < Columns; c++)
                {
                    await group.WriteAsync<float>(fields[c], Enumerable.Range(first, size).Select(r => values[(r * Columns) + c]).ToArray().AsMemory());
                }
            }
        }

        var table = await ParquetDataReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        var single = SomFile.ToBytes(new SomTrainer(Options).Fit(DataSource.FromCsv(table), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(single, await TrainKillingASiloAsync(path));
    }

    private async Task<byte[]> TrainKillingASiloAsync(string path) =>
        SomFile.ToBytes((await fixture.TrainKillingASiloAsync(Options, path)).Result.Model);
}
