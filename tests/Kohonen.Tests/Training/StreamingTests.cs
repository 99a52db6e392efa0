using System.Buffers.Binary;
using Kohonen.Tests.Data;

namespace Kohonen.Tests.Training;

/// <summary>Batch training from a .npy file read a chunk at a time gives the in-memory training's map,
/// bit for bit, whatever the chunk size.</summary>
public sealed class StreamingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-streaming-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Clusters of points, written as float32 .npy.</summary>
    private (string Path, DataMatrix Data) Clusters(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var centers = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, columns).Select(_ => random.NextDouble() * 10).ToArray()).ToArray();
        var values = new float[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            var center = centers[random.Next(centers.Length)];
            for (var c = 0; c < columns; c++)
            {
                values[(r * columns) + c] = (float)(center[c] + random.NextDouble());
            }
        }

        var data = new DataMatrix(values, rows, columns);
        var path = Path.Combine(_folder, $"clusters-{rows}x{columns}-{seed}.npy");
        NpyFile.Write(path, data);
        return (path, NpyFile.Read(path));
    }

    public static TheoryData<int, int, int, Scaling, Initialization> Cases()
    {
        var cases = new TheoryData<int, int, int, Scaling, Initialization>();
        foreach (var chunk in new[] { 1, 7, 64, 499, 500, 10_000 })
        {
            cases.Add(500, 3, chunk, Scaling.None, Initialization.Random);
            cases.Add(300, 12, chunk, Scaling.ZScore, Initialization.Sample);
        }

        cases.Add(500, 5, 33, Scaling.MinMax, Initialization.Random);
        cases.Add(40, 3, 9, Scaling.None, Initialization.Sample);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheStreamedMapIsTheInMemoryMapBitForBit(int rows, int columns, int chunk, Scaling scaling, Initialization init)
    {
        var (path, data) = Clusters(rows, columns, rows + columns);
        var options = new SomOptions
        {
            Width = 7, Height = 6, Iterations = 8, Algorithm = TrainingAlgorithm.Batch, Seed = 3,
            Scaling = scaling, Initialization = init, MetricsEvery = 3, Topology = Kohonen.Topology.Hexagonal,
        };

        var inMemory = new SomTrainer(options).Fit(data);
        using var source = DataSource.FromNpy(path, chunk);
        var streamed = new SomTrainer(options).Fit(source);

        Assert.Equal(inMemory.Codebook.ToArray(), streamed.Codebook.ToArray());
        Assert.Equal(inMemory.History, streamed.History);
        Assert.Equal(inMemory.Scaler?.Offset.ToArray(), streamed.Scaler?.Offset.ToArray());
        Assert.Equal(inMemory.Scaler?.Factor.ToArray(), streamed.Scaler?.Factor.ToArray());
        Assert.Equal([3, 6, 8], streamed.History.Select(h => h.Iteration));
    }

    [Fact]
    public void TheReaderReadsWhatNpyFileReadsInEveryByteOrderAndWidth()
    {
        double[] values = [1.5, -2.25, 1e-3, 7, 0.1, 3e38];
        var big = new byte[values.Length * 8];
        var little32 = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleBigEndian(big.AsSpan(i * 8), values[i]);
            BinaryPrimitives.WriteSingleLittleEndian(little32.AsSpan(i * 4), (float)values[i]);
        }

        foreach (var (descr, payload) in new[] { (">f8", big), ("<f4", little32) })
        {
            var path = Path.Combine(_folder, $"{descr[1..]}.npy");
            File.WriteAllBytes(path, NpyFileTests.Handmade(descr, "(3, 2)", payload));
            using var reader = NpyRowReader.Open(path);
            var rows = reader.Chunks(2).SelectMany(c => c.Rows.Values.ToArray()).ToArray();

            Assert.Equal((3, 2), (reader.Rows, reader.Columns));
            Assert.Equal(NpyFile.Read(path).Values.ToArray(), rows);
        }
    }

    [Fact]
    public void ANonFiniteValueIsRefusedWithItsRowAndColumn()
    {
        var payload = new byte[6 * 4];
        float[] values = [1, 2, 3, 4, float.PositiveInfinity, 6];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(i * 4), values[i]);
        }

        var path = Path.Combine(_folder, "nan.npy");
        File.WriteAllBytes(path, NpyFileTests.Handmade("<f4", "(3, 2)", payload));
        using var source = DataSource.FromNpy(path, 2);

        var e = Assert.Throws<DataFormatException>(() => new SomTrainer(new SomOptions { Width = 3, Height = 3, Iterations = 2, Algorithm = TrainingAlgorithm.Batch }).Fit(source));
        Assert.Equal($"{path}: row 2, column 0 is Infinity; only finite numbers, or NaN for a missing value, are allowed.", e.Message);
    }

    [Fact]
    public void ATruncatedFileIsRefusedWhenOpened()
    {
        var path = Path.Combine(_folder, "short.npy");
        File.WriteAllBytes(path, NpyFileTests.Handmade("<f4", "(3, 2)", new byte[20]));

        var e = Assert.Throws<DataFormatException>(() => NpyRowReader.Open(path));
        Assert.Contains("It is truncated.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlineTrainingAndPcaInitialisationAreRefusedForStreamedData()
    {
        var (path, _) = Clusters(50, 3, 1);
        using var source = DataSource.FromNpy(path, 10);

        var online = Assert.Throws<SomOptionsException>(() => new SomTrainer(new SomOptions { Width = 4, Height = 4, Iterations = 2 }).Fit(source));
        var pca = Assert.Throws<SomOptionsException>(() => new SomTrainer(new SomOptions { Width = 4, Height = 4, Iterations = 2, Algorithm = TrainingAlgorithm.Batch, Initialization = Initialization.Pca }).Fit(source));

        Assert.Equal("Algorithm", online.Option);
        Assert.Equal("Initialization", pca.Option);
        Assert.StartsWith("Initialization pca needs the data in memory", pca.Message, StringComparison.Ordinal);
    }
}
