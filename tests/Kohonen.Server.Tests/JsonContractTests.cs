using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kohonen.Server.Api;

namespace Kohonen.Server.Tests;

/// <summary>The hand-written JSON of the predictions (<see cref="VectorJson"/>) against the records it is
/// documented as: what the writers write, System.Text.Json reads back into the response records field by
/// field and with no property more or less; what System.Text.Json writes from the request records, the
/// readers read to the same floats, bit for bit.</summary>
public sealed class JsonContractTests
{
    /// <summary>The API's own serialization (snake_case) that refuses a property the record lacks.</summary>
    private static readonly JsonSerializerOptions Strict = new(ApiJsonContext.Default.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Finite floats of every kind: signs, zeros, the smallest and largest, subnormals, short
    /// decimals (the reader's fast path) and random bit patterns (its general path).</summary>
    private static float[] Floats(int seed, int count)
    {
        var random = new Random(seed);
        var values = new List<float> { 0f, -0f, 1f, -1f, 0.1f, 0.5f, 1e-7f, 123456.79f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1.17549435e-38f, 16777216f, 3.4e38f };
        while (values.Count < count)
        {
            var value = random.Next(3) switch
            {
                0 => BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31)),
                1 => (float)Math.Round(random.NextDouble() * 2000 - 1000, random.Next(0, 7)),
                _ => (float)random.NextDouble(),
            };
            if (float.IsFinite(value))
            {
                values.Add(value);
            }
        }

        return [.. values.Take(count)];
    }

    private static Bmu[] RandomBmus(int seed, int count)
    {
        var random = new Random(seed);
        var distances = Floats(seed, count);
        return [.. Enumerable.Range(0, count).Select(i => new Bmu(random.Next(0, 1000), random.Next(0, 1000), i, Math.Abs(distances[i])))];
    }

    private static IEnumerable<string> PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name);

    [Fact]
    public void TheBmuWriterWritesExactlyWhatABmuResponseIs()
    {
        foreach (var bmu in RandomBmus(1, 2000))
        {
            var json = VectorJson.WriteBmu(bmu);

            var read = JsonSerializer.Deserialize(json, ApiJsonContext.Default.BmuResponse.Type, Strict) as BmuResponse;
            Assert.NotNull(read);
            Assert.Equal((bmu.X, bmu.Y), (read.BmuX, read.BmuY));
            Assert.Equal(BitConverter.SingleToInt32Bits(bmu.Distance), BitConverter.SingleToInt32Bits(read.Distance));
            var contract = JsonSerializer.SerializeToElement(new BmuResponse(bmu.X, bmu.Y, bmu.Distance), ApiJsonContext.Default.BmuResponse);
            Assert.Equal(PropertyNames(contract), PropertyNames(JsonDocument.Parse(json).RootElement));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public void TheBatchWriterWritesExactlyWhatABatchResponseIs(int count)
    {
        var bmus = RandomBmus(2, count);

        var json = VectorJson.WriteBatch(bmus).ToArray();

        var read = JsonSerializer.Deserialize(json, ApiJsonContext.Default.BatchResponse.Type, Strict) as BatchResponse;
        Assert.NotNull(read);
        Assert.Equal(count, read.Results.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal((bmus[i].X, bmus[i].Y), (read.Results[i].BmuX, read.Results[i].BmuY));
            Assert.Equal(BitConverter.SingleToInt32Bits(bmus[i].Distance), BitConverter.SingleToInt32Bits(read.Results[i].Distance));
        }

        var contract = JsonSerializer.SerializeToElement(new BatchResponse([.. bmus.Select(b => new BmuResponse(b.X, b.Y, b.Distance))]), ApiJsonContext.Default.BatchResponse);
        var written = JsonDocument.Parse(json).RootElement;
        Assert.Equal(PropertyNames(contract), PropertyNames(written));
        foreach (var (expected, actual) in contract.GetProperty("results").EnumerateArray().Zip(written.GetProperty("results").EnumerateArray()))
        {
            Assert.Equal(PropertyNames(expected), PropertyNames(actual));
        }
    }

    [Fact]
    public void TheVectorReaderReadsWhatAPredictBmuRequestSerializesTo()
    {
        var floats = Floats(3, 30_000);
        for (var start = 0; start + 3 <= floats.Length; start += 3)
        {
            float[] data = [floats[start], floats[start + 1], floats[start + 2]];
            var json = JsonSerializer.SerializeToUtf8Bytes(new PredictBmuRequest(data), ApiJsonContext.Default.PredictBmuRequest);

            var read = new float[3];
            Assert.Null(VectorJson.ReadVector(json, read, "3 (a, b, c)"));
            Assert.True(data.Select(BitConverter.SingleToInt32Bits).SequenceEqual(read.Select(BitConverter.SingleToInt32Bits)), Encoding.UTF8.GetString(json));
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(500, 17)]
    public void TheMatrixReaderReadsWhatAPredictBatchRequestSerializesTo(int rows, int dimension)
    {
        var floats = Floats(4 + rows, rows * dimension);
        var data = Enumerable.Range(0, rows).Select(r => (IReadOnlyList<float>)floats.AsSpan(r * dimension, dimension).ToArray()).ToList();
        var json = JsonSerializer.SerializeToUtf8Bytes(new PredictBatchRequest(data), ApiJsonContext.Default.PredictBatchRequest);

        Assert.Null(VectorJson.ReadMatrix(json, dimension, $"{dimension}", rows, out var values, out var read));

        Assert.Equal(rows, read);
        Assert.True(floats.Select(BitConverter.SingleToInt32Bits).SequenceEqual(values.Take(rows * dimension).Select(BitConverter.SingleToInt32Bits)));
    }

    [Fact]
    public void ATrainingRequestWithoutOptionsHasTheCoresDefaults()
    {
        var request = JsonSerializer.Deserialize("""{"data": [[1, 2]]}""", ApiJsonContext.Default.TrainRequest)!;

        var core = SomOptions.Default;
        Assert.Equal((core.Width, core.Height, core.Iterations, core.LearningRate, core.Toroidal), (request.Width, request.Height, request.Iterations, request.LearningRate, request.Toroidal));
        Assert.Equal((null, null, null, null, null), (request.Algorithm, request.Topology, request.Neighborhood, request.Scaling, request.Sigma));
    }
}
