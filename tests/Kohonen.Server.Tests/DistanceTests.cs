using System.Net;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>A map trained with the Manhattan distance, served: /predict-bmu, /predict-batch and the hit
/// map it keeps (drawn by the pictures) answer in that distance.</summary>
public sealed class DistanceTests : StoreFolder
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The first node at the least Σ|x − w|, and that distance, by plain arithmetic.</summary>
    private static (int X, int Y, float Distance) NearestManhattan(SomModel model, float[] input)
    {
        var (best, least) = (-1, float.PositiveInfinity);
        for (var node = 0; node < model.Width * model.Height; node++)
        {
            var d = 0f;
            for (var f = 0; f < model.Dimension; f++)
            {
                d += Math.Abs(model.Codebook[(node * model.Dimension) + f] - input[f]);
            }

            if (d < least)
            {
                (best, least) = (node, d);
            }
        }

        return (best % model.Width, best / model.Width, least);
    }

    [Fact]
    public async Task AManhattanMapAnswersPredictionsAndHitsInItsDistance()
    {
        var data = SampleData.RandomColors(60, 3);
        var store = SqliteTrackingStore.Open(Folder);
        var trained = await TrainingRecorder.TrainAsync(store, "colors", "manhattan",
            new SomTrainer(new SomOptions { Width = 6, Height = 5, Iterations = 20, Seed = 1, Distance = DistanceMetric.Manhattan }), data);
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = store, Selection = new SelectionRules { RunId = trained.RunId } });
        using var client = await factory.StartedClientAsync();
        var model = trained.Model;
        Assert.Equal(DistanceMetric.Manhattan, model.Distance);
        var info = JsonDocument.Parse(await client.GetStringAsync("/model-info", Token)).RootElement;
        Assert.Equal("manhattan", info.GetProperty("distance").GetString());

        var random = new Random(8);
        var inputs = Enumerable.Range(0, 30).Select(_ => new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() }).ToArray();
        var batch = await client.PostAsync("/predict-batch", Json(JsonSerializer.Serialize(new { data = inputs })), Token);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var results = JsonDocument.Parse(await batch.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("results").EnumerateArray().ToList();
        for (var i = 0; i < inputs.Length; i++)
        {
            var (x, y, distance) = NearestManhattan(model, inputs[i]);
            Assert.Equal((x, y, distance), (results[i].GetProperty("bmu_x").GetInt32(), results[i].GetProperty("bmu_y").GetInt32(), results[i].GetProperty("distance").GetSingle()));

            var one = await client.PostAsync("/predict-bmu", Json(JsonSerializer.Serialize(new { data = inputs[i] })), Token);
            var bmu = JsonDocument.Parse(await one.Content.ReadAsStringAsync(Token)).RootElement;
            Assert.Equal((x, y, distance), (bmu.GetProperty("bmu_x").GetInt32(), bmu.GetProperty("bmu_y").GetInt32(), bmu.GetProperty("distance").GetSingle()));
        }

        // The hits the map keeps (and draws) count each training row at its Manhattan BMU.
        var expected = new int[model.Width * model.Height];
        for (var r = 0; r < data.Rows; r++)
        {
            var (x, y, _) = NearestManhattan(model, data.Row(r).ToArray());
            expected[(y * model.Width) + x]++;
        }

        Assert.Equal(expected, model.HitMap(data).ToArray());
        Assert.Equal(expected, model.Hits!.ToArray());
    }

    [Fact]
    public async Task TrainTakesADistance_AndTheRunAndItsModelKeepIt()
    {
        var store = SqliteTrackingStore.Open(Folder);
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = store, ApiKey = "key", TrainDemoWhenEmpty = false });
        using var client = await factory.StartedClientAsync();
        var body = JsonSerializer.Serialize(new { width = 4, height = 3, iterations = 10, seed = 2, distance = "cosine", data = SampleData.RandomColors(20, 5).Values.ToArray().Chunk(3) });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/train") { Content = Json(body) };
        request.Headers.Add("X-Api-Key", "key");

        var response = await client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("run_id").GetString()!;
        JsonElement status;
        do
        {
            await Task.Delay(50, Token);
            status = JsonDocument.Parse(await client.GetStringAsync($"/runs/{runId}", Token)).RootElement;
        }
        while (status.GetProperty("status").GetString() == "RUNNING");

        Assert.Equal("FINISHED", status.GetProperty("status").GetString());
        Assert.Equal("cosine", status.GetProperty("params").GetProperty("distance").GetString());
    }

    [Fact]
    public async Task ModelsRanksRunsOfDifferentDistancesInTheDataUnitsAsTheBestRunChoiceDoes()
    {
        var data = SampleData.RandomColors(80, 5);
        var store = SqliteTrackingStore.Open(Folder);
        var runs = new List<string>();
        foreach (var distance in new[] { DistanceMetric.Euclidean, DistanceMetric.Manhattan, DistanceMetric.Cosine })
        {
            var trained = await TrainingRecorder.TrainAsync(store, "colors", distance.ToString(),
                new SomTrainer(new SomOptions { Width = 5, Height = 4, Iterations = 20, Seed = 2, Distance = distance }), data);
            runs.Add(trained.RunId);
        }

        await using var factory = new ServerFactory(new KohonenServerOptions { Store = store, Selection = new SelectionRules { ForceBest = true } });
        using var client = await factory.StartedClientAsync();

        var models = JsonDocument.Parse(await client.GetStringAsync("/models", Token)).RootElement;

        Assert.Equal("data_quantization_error", models.GetProperty("metric_key").GetString());
        var listed = models.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(runs.Order(StringComparer.Ordinal), listed.Select(m => m.GetProperty("run_id").GetString()!).Order(StringComparer.Ordinal));
        var inDataUnits = listed.Select(m => m.GetProperty("metrics").GetProperty("data_quantization_error").GetDouble()).ToList();
        Assert.Equal(inDataUnits.Order(), inDataUnits);
        // The best run served is the first listed, as the choice of the best run ranks them.
        Assert.True(listed[0].GetProperty("active").GetBoolean());
    }
}
