using System.Net;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;
using Microsoft.Data.Sqlite;
using SkiaSharp;

namespace Kohonen.Server.Tests;

/// <summary>A store with one run whose map keeps labels and segments, trained once for the class.</summary>
public sealed class LabelledStore : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("kohonen-server-labelled-").FullName;

    public SqliteTrackingStore Store { get; private set; } = null!;

    public DataMatrix Colors { get; } = SampleData.RandomColors(60, 3);

    public TrainingOutcome Run { get; private set; } = null!;

    /// <summary>"red" where the red channel is above one half, else "other".</summary>
    public string[] Labels => [.. Enumerable.Range(0, Colors.Rows).Select(r => Colors[r, 0] > 0.5f ? "red" : "other")];

    public async ValueTask InitializeAsync()
    {
        Store = SqliteTrackingStore.Open(Folder);
        var session = new TrainingSession(new SomOptions { Width = 6, Height = 5, Iterations = 20, Seed = 4 }, DataSource.FromMatrix(Colors))
        {
            MeasureCurve = true,
            Recording = new RunRecording(Store, "labelled", "labelled"),
            Complete = m =>
            {
                var labelled = m.WithLabels(Colors, Labels);
                return labelled.WithSegments(CodebookClustering.Segment(labelled, 3, SegmentMethod.Ward, Colors));
            },
        };
        Run = await session.RunAsync(cancellationToken: TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Predictions and pictures of a map that keeps labels and segments.</summary>
public sealed class KeptAnswersTests(LabelledStore labelled, TrainedStore trained) : IClassFixture<LabelledStore>, IClassFixture<TrainedStore>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(ServerFactory Factory, HttpClient Client)> StartAsync()
    {
        var factory = new ServerFactory(new KohonenServerOptions { Store = labelled.Store, Selection = new SelectionRules { RunId = labelled.Run.RunId } });
        return (factory, await factory.StartedClientAsync());
    }

    [Fact]
    public async Task PredictionsCarryTheNodesLabelConfidenceAndSegment()
    {
        var (factory, client) = await StartAsync();
        await using var factoryScope = factory;
        using var clientScope = client;
        var model = labelled.Run.Model;

        var one = JsonDocument.Parse(await (await client.PostAsync("/predict-bmu", Json("""{"data": [0.9, 0.1, 0.1]}"""), Token)).Content.ReadAsStringAsync(Token)).RootElement;
        var batch = JsonDocument.Parse(await (await client.PostAsync("/predict-batch", Json("""{"data": [[0.9, 0.1, 0.1], [0.1, 0.8, 0.9]]}"""), Token)).Content.ReadAsStringAsync(Token)).RootElement;

        var (x, y, _) = TrainedStore.Nearest(model, [0.9f, 0.1f, 0.1f]);
        var node = model.Grid.IndexOf(x, y);
        Assert.Equal(model.Labels!.LabelOf(node), one.GetProperty("label").GetString());
        Assert.Equal("red", one.GetProperty("label").GetString());
        Assert.Equal(model.Labels.ConfidenceOf(node), one.GetProperty("label_confidence").GetSingle());
        Assert.Equal(model.Segments!.SegmentOf(node), one.GetProperty("segment").GetInt32());
        Assert.False(one.TryGetProperty("target", out _));
        var second = batch.GetProperty("results")[1];
        Assert.Equal("other", second.GetProperty("label").GetString());
        Assert.True(second.TryGetProperty("segment", out _));
    }

    [Fact]
    public async Task APlainModelsPredictionsHaveNoExtraFields()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, Selection = new SelectionRules { RunId = trained.Best.RunId } });
        using var client = await factory.StartedClientAsync();

        var body = await (await client.PostAsync("/predict-bmu", Json("""{"data": [0.9, 0.1, 0.1]}"""), Token)).Content.ReadAsStringAsync(Token);

        Assert.Equal(["bmu_x", "bmu_y", "distance"], JsonDocument.Parse(body).RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("labels")]
    [InlineData("segments")]
    [InlineData("curve")]
    [InlineData("umatrix")]
    [InlineData("planes")]
    [InlineData("rgb")]
    public async Task EveryPictureIsDrawnAtTheWidthAsked(string kind)
    {
        var (factory, client) = await StartAsync();
        await using var factoryScope = factory;
        using var clientScope = client;

        var response = await client.GetAsync($"/maps/{labelled.Run.RunId}/{kind}.png?width=900", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(900, bitmap.Width);
    }

    [Fact]
    public async Task RgbOfAMapWithMoreThanThreeFeaturesTakesChosenFeaturesAndErrorsSpeakPlainly()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = trained.Store, Selection = new SelectionRules { ExperimentName = "colors" } });
        using var client = await factory.StartedClientAsync();
        var run = trained.Scaled.RunId;

        var first = await client.GetAsync($"/maps/{run}/rgb.png", Token);
        var chosen = await client.GetAsync($"/maps/{run}/rgb.png?features=3,2,1", Token);
        var outside = await client.GetAsync($"/maps/{run}/rgb.png?features=0,1,9", Token);
        var two = await client.GetAsync($"/maps/{run}/rgb.png?features=0,1", Token);
        var width = await client.GetAsync($"/maps/{run}/umatrix.png?width=50", Token);
        var noLabels = await client.GetAsync($"/maps/{run}/labels.png", Token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        Assert.NotEqual(await first.Content.ReadAsByteArrayAsync(Token), await chosen.Content.ReadAsByteArrayAsync(Token));
        foreach (var bad in new[] { outside, two, width, noLabels })
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var detail = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("detail").GetString()!;
            Assert.DoesNotContain("Parameter", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("Actual value", detail, StringComparison.Ordinal);
        }
    }
}
