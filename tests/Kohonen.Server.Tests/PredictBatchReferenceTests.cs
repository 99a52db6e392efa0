using System.Net;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>/predict-batch, 1,000 vectors a request, against a plain scan of the served codebook written
/// here: the first node at the least distance (ties to the lowest index), over the present features
/// when a vector has nulls (the masked path), its distance scaled by total/present.</summary>
public sealed class PredictBatchReferenceTests : StoreFolder
{
    private const int Rows = 1_000;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The reference: every node's squared distance over the present features, as a
    /// multiply-add chain in float for a complete vector (the arithmetic the service documents) and in
    /// double for one with nulls; the first least; how many nodes share it.</summary>
    private static (int X, int Y, double Distance, int Tied) Scan(SomModel model, float?[] input)
    {
        var dim = model.Dimension;
        var present = input.Count(v => v is not null);
        var codebook = model.Codebook;
        var (best, least, tied) = (-1, double.PositiveInfinity, 0);
        for (var node = 0; node < model.Width * model.Height; node++)
        {
            double d2;
            if (present == dim)
            {
                var d = input[0]!.Value - codebook[node * dim];
                var sum = d * d;
                for (var f = 1; f < dim; f++)
                {
                    d = input[f]!.Value - codebook[(node * dim) + f];
                    sum = MathF.FusedMultiplyAdd(d, d, sum);
                }

                d2 = sum;
            }
            else
            {
                d2 = 0;
                for (var f = 0; f < dim; f++)
                {
                    if (input[f] is { } v)
                    {
                        var d = (double)v - codebook[(node * dim) + f];
                        d2 += d * d;
                    }
                }
            }

            if (d2 < least)
            {
                (best, least, tied) = (node, d2, 1);
            }
            else if (d2 == least)
            {
                tied++;
            }
        }

        var distance = present == dim ? MathF.Sqrt((float)least) : Math.Sqrt(least * dim / present);
        return (best % model.Width, best / model.Width, distance, tied);
    }

    private async Task<(SomModel Model, HttpClient Client, ServerFactory Factory)> ServeAsync(SomOptions options, DataMatrix data)
    {
        var store = SqliteTrackingStore.Open(Folder);
        var trained = await TrainingRecorder.TrainAsync(store, "reference", "map", new SomTrainer(options), data);
        var factory = new ServerFactory(new KohonenServerOptions { Store = store, Selection = new SelectionRules { RunId = trained.RunId } });
        return (trained.Model, await factory.StartedClientAsync(), factory);
    }

    /// <summary>Posts the vectors and checks every answer against <see cref="Scan"/>; returns how many
    /// vectors had a tie for the least distance.</summary>
    private static async Task<int> CheckAsync(HttpClient client, SomModel model, float?[][] inputs)
    {
        var response = await client.PostAsync("/predict-batch", Json(JsonSerializer.Serialize(new { data = inputs })), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(inputs.Length, results.Count);
        var ties = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var (x, y, distance, tied) = Scan(model, inputs[i]);
            var answer = results[i];
            Assert.Equal((i, x, y), (i, answer.GetProperty("bmu_x").GetInt32(), answer.GetProperty("bmu_y").GetInt32()));
            if (inputs[i].All(v => v is not null))
            {
                Assert.Equal((float)distance, answer.GetProperty("distance").GetSingle());
            }
            else
            {
                // The service's masked arithmetic is float32: within its rounding of the double here.
                Assert.Equal(distance, answer.GetProperty("distance").GetDouble(), tolerance: 1e-6 * Math.Max(1, distance));
            }

            ties += tied > 1 ? 1 : 0;
        }

        return ties;
    }

    [Fact]
    public async Task ATrainedMapAnswersEveryVectorAsThePlainScan()
    {
        var random = new Random(21);
        var data = new DataMatrix([.. Enumerable.Range(0, 600).Select(_ => random.NextSingle())], 200, 3);
        var (model, client, factory) = await ServeAsync(new SomOptions { Width = 20, Height = 15, Iterations = 20, Seed = 3 }, data);
        await using (factory)
        using (client)
        {
            // Complete vectors, some outside the data's range, and a share with one or two nulls.
            var inputs = Enumerable.Range(0, Rows).Select(i => Enumerable.Range(0, 3)
                .Select(f => (i % 5 == 0 && f == i % 3) || (i % 11 == 0 && i % 5 != 0 && f != i % 3) ? null : (float?)((random.NextSingle() * 1.4f) - 0.2f)).ToArray()).ToArray();
            Assert.Contains(inputs, v => v.Contains(null));
            await CheckAsync(client, model, inputs);
        }
    }

    [Fact]
    public async Task TiesGoToTheLowestNodeOnTheCompleteAndTheMaskedPath()
    {
        // Rows at the corners of the cube [1, 2]³; nodes start at rows (about 15 on each corner) and a
        // learning rate far below float resolution leaves them there, and distances to them are exact
        // (sixteenths): every vector ties among the nodes of its nearest corner, and a vector halfway
        // between corners among theirs, complete or with nulls.
        var random = new Random(4);
        var data = new DataMatrix([.. Enumerable.Range(0, 300).Select(_ => 1f + random.Next(0, 2))], 100, 3);
        var (model, client, factory) = await ServeAsync(
            new SomOptions { Width = 12, Height = 10, Iterations = 3, Seed = 5, Initialization = Initialization.Sample, LearningRate = 1e-12 }, data);
        await using (factory)
        using (client)
        {
            Assert.All(model.Codebook.ToArray(), w => Assert.True(w is 1f or 2f, $"{w} is not a corner's"));
            var inputs = Enumerable.Range(0, Rows).Select(i => Enumerable.Range(0, 3)
                .Select(f => i % 4 == 0 && f == i % 3 ? null : (float?)(1 + (random.Next(0, 17) / 16f))).ToArray()).ToArray();
            var ties = await CheckAsync(client, model, inputs);
            Assert.True(ties > Rows * 9 / 10, $"only {ties} vectors tie");
            Assert.Contains(inputs.Where(v => v.Contains(null)), v => Scan(model, v).Tied > 1);
        }
    }
}
