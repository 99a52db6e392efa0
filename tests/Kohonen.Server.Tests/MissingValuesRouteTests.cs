using System.Net;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>/predict-bmu and /predict-batch with missing values (JSON null): the nearest node over the
/// present features, and a 400 for a vector with nothing present.</summary>
public sealed class MissingValuesRouteTests(TrainedStore trained) : IClassFixture<TrainedStore>, IAsyncLifetime
{
    private ServerFactory _factory = null!;
    private HttpClient _client = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, Selection = new SelectionRules { ExperimentName = "colors" } });
        _client = await _factory.StartedClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The nearest node over the present features and its distance scaled by total/present.</summary>
    private static (int X, int Y, double Distance) MaskedNearest(SomModel model, float?[] input)
    {
        var scaled = input.Select(v => v ?? float.NaN).ToArray();
        model.Scaler?.Transform(scaled, scaled);
        var present = input.Count(v => v is not null);
        var (best, bestD2) = (-1, double.MaxValue);
        for (var node = 0; node < model.Width * model.Height; node++)
        {
            double d2 = 0;
            for (var f = 0; f < model.Dimension; f++)
            {
                if (input[f] is not null)
                {
                    var d = (double)scaled[f] - model.Codebook[(node * model.Dimension) + f];
                    d2 += d * d;
                }
            }

            if (d2 < bestD2)
            {
                (best, bestD2) = (node, d2);
            }
        }

        return (best % model.Width, best / model.Width, Math.Sqrt(bestD2 * model.Dimension / present));
    }

    private static float?[][] Inputs(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i => Enumerable.Range(0, 3)
            .Select(f => f == i % 3 || random.NextDouble() > 0.4 ? (float?)random.NextDouble() : null).ToArray())];
    }

    [Fact]
    public async Task PredictBmuWithNullsIsTheNearestNodeOverThePresentFeatures()
    {
        foreach (var input in Inputs(20, 1))
        {
            var response = await _client.PostAsync("/predict-bmu", Json(JsonSerializer.Serialize(new { data = input })), Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bmu = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;

            var (x, y, distance) = MaskedNearest(trained.Best.Model, input);
            Assert.Equal((x, y), (bmu.GetProperty("bmu_x").GetInt32(), bmu.GetProperty("bmu_y").GetInt32()));
            Assert.Equal(distance, bmu.GetProperty("distance").GetSingle(), 4);
        }
    }

    [Fact]
    public async Task PredictBatchWithNullsAnswersEachVectorOverItsPresentFeatures()
    {
        var inputs = Inputs(30, 2);

        var response = await _client.PostAsync("/predict-batch", Json(JsonSerializer.Serialize(new { data = inputs })), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("results").EnumerateArray().ToList();
        for (var i = 0; i < inputs.Length; i++)
        {
            var (x, y, _) = MaskedNearest(trained.Best.Model, inputs[i]);
            Assert.Equal((x, y), (results[i].GetProperty("bmu_x").GetInt32(), results[i].GetProperty("bmu_y").GetInt32()));
        }
    }

    [Theory]
    [InlineData("/predict-bmu", """{"data": [null, null, null]}""", "\"data\" has every value missing (null); a BMU needs at least one number.")]
    [InlineData("/predict-batch", """{"data": [[0.1, null, 0.3], [null, null, null]]}""", "data[1] has every value missing (null); a BMU needs at least one number.")]
    public async Task AVectorWithEveryValueNullIs400(string route, string body, string detail)
    {
        var response = await _client.PostAsync(route, Json(body), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }
}
