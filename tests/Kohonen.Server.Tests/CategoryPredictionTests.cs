using System.Net;
using System.Text;
using System.Text.Json;
using Kohonen.Server.Api;
using Kohonen.Tracking;
using Microsoft.Data.Sqlite;

namespace Kohonen.Server.Tests;

/// <summary>A store with one run whose map has a categorical column, trained once for the class.</summary>
public sealed class CategoricalStore : IAsyncLifetime
{
    private static readonly string[] Colours = ["red", "green", "blue", "red", "green", "blue", "red", "green", "blue", "red", "blue", "green"];

    public string Folder { get; } = Directory.CreateTempSubdirectory("kohonen-server-categorical-").FullName;

    public SqliteTrackingStore Store { get; private set; } = null!;

    public FeatureEncoder Encoder { get; } = FeatureEncoder.Fit(
        ["length", "colour"], [FeatureKind.Numeric, FeatureKind.Categorical], new Dictionary<string, IReadOnlyList<string?>> { ["colour"] = Colours });

    public TrainingOutcome Run { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Store = SqliteTrackingStore.Open(Folder);
        var lengths = Colours.Select((c, i) => (float)(c.Length + (i % 3 * 0.2))).ToArray();
        var data = Encoder.Encode(new DataMatrix(lengths, lengths.Length, 1, ["length"]), new Dictionary<string, IReadOnlyList<string?>> { ["colour"] = Colours });
        var session = new TrainingSession(new SomOptions { Width = 4, Height = 3, Iterations = 20, Seed = 4, Scaling = Scaling.MinMax }, DataSource.FromMatrix(data).WithEncoder(Encoder))
        {
            Recording = new RunRecording(Store, "categorical", "categorical"),
            KeepModelBytes = true,
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

/// <summary>/predict-bmu and /predict-batch on a map with a categorical column.</summary>
public sealed class CategoryPredictionTests(CategoricalStore categorical) : IClassFixture<CategoricalStore>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private SomModel Model => categorical.Run.Model;

    private Bmu Expected(float length, string colour) =>
        Model.FindBmusWithCategories(new DataMatrix([length], 1, 1, ["length"]), new Dictionary<string, IReadOnlyList<string?>> { ["colour"] = [colour] })[0];

    [Fact]
    public async Task TheCategoryIsTakenAsAStringByNameOrByPosition()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = categorical.Store, Selection = new SelectionRules { RunId = categorical.Run.RunId } });
        using var client = await factory.StartedClientAsync();

        foreach (var body in new[] { """{"data": {"colour": "blue", "length": 4.2}}""", """{"data": [4.2, "blue"]}""" })
        {
            var response = await client.PostAsync("/predict-bmu", Json(body), Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
            var expected = Expected(4.2f, "blue");
            Assert.Equal(expected.X, root.GetProperty("bmu_x").GetInt32());
            Assert.Equal(expected.Y, root.GetProperty("bmu_y").GetInt32());
            Assert.Equal(expected.Distance, root.GetProperty("distance").GetSingle());
            Assert.False(root.TryGetProperty("unseen_categories", out _));
        }

        var batch = await client.PostAsync("/predict-batch", Json("""{"data": [[3.0, "red"], {"length": 5.4, "colour": "green"}]}"""), Token);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var results = JsonDocument.Parse(await batch.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal([Expected(3.0f, "red").Index, Expected(5.4f, "green").Index], results.Select(r => (r.GetProperty("bmu_y").GetInt32() * 4) + r.GetProperty("bmu_x").GetInt32()));
    }

    [Fact]
    public async Task ARowWithAnUnseenCategoryIsAnsweredByItsOtherFeatures()
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = categorical.Store, Selection = new SelectionRules { RunId = categorical.Run.RunId } });
        using var client = await factory.StartedClientAsync();

        var response = await client.PostAsync("/predict-bmu", Json("""{"data": {"length": 4.2, "colour": "purple"}}"""), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
        Assert.Equal("purple", root.GetProperty("unseen_categories").GetProperty("colour").GetString());

        // Plain search over the length feature alone, in the model's scaled space.
        var scaled = new float[Model.Dimension];
        Model.Scaler!.Transform([4.2f, 0, 0, 0], scaled);
        var best = Enumerable.Range(0, Model.Width * Model.Height).MinBy(n => Math.Abs(scaled[0] - Model.Codebook[n * Model.Dimension]));
        Assert.Equal((best % Model.Width, best / Model.Width), (root.GetProperty("bmu_x").GetInt32(), root.GetProperty("bmu_y").GetInt32()));
    }

    [Theory]
    [InlineData("/predict-bmu", """{"data": [4.2, 3]}""", "data[1] ('colour') is a category: give it as a string (one of \"blue\", \"green\", \"red\") or null.")]
    [InlineData("/predict-bmu", """{"data": [4.2]}""", "data has 1 value; the model expects 2 (length, colour: a category).")]
    [InlineData("/predict-bmu", """{"data": {"length": 4.2}}""", "data lacks 'colour'; give each input column (null when missing).")]
    [InlineData("/predict-bmu", """{"data": {"length": 4.2, "colour": "red", "size": 1}}""", "data has 'size', not an input column of the model (length, colour: a category).")]
    [InlineData("/predict-bmu", """{"data": ["long", "red"]}""", "data[0] ('length') is not a finite number.")]
    [InlineData("/predict-bmu", """{"data": [null, null]}""", "\"data\" has every value missing (null); a BMU needs at least one value.")]
    [InlineData("/predict-bmu", """{"data": [null, "purple"]}""", "\"data\" has every value missing (null); a BMU needs at least one value (a category the model did not learn, 'purple' in 'colour', is treated as missing).")]
    [InlineData("/predict-batch", """{"data": [[4.2, "red"], [null, null]]}""", "data[1] has every value missing (null); a BMU needs at least one value.")]
    [InlineData("/predict-batch", """{"data": []}""", "\"data\" is empty; give at least one row.")]
    [InlineData("/predict-batch", """{"data": {"length": 1}}""", "\"data\" must be an array of rows, such as {\"data\": [[0.5, \"blue\"]]}.")]
    public async Task BadRowsAreRefusedWithWhatIsWrong(string route, string body, string detail)
    {
        await using var factory = new ServerFactory(new KohonenServerOptions { Store = categorical.Store, Selection = new SelectionRules { RunId = categorical.Run.RunId } });
        using var client = await factory.StartedClientAsync();

        var response = await client.PostAsync(route, Json(body), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public void AnUnseenCategoryIsReadAsMissingAndNamedInTheAnswer()
    {
        var problem = EncodedJson.Read("""{"data": [[4.2, "purple"], [1.0, "red"]]}"""u8, categorical.Encoder, batch: true, maxRows: 10, out var values, out var rows, out var unseen);

        Assert.Null(problem);
        Assert.Equal(2, rows);
        Assert.Equal(4.2f, values[0]);
        Assert.True(values.AsSpan(1, 3).ToArray().All(float.IsNaN));
        Assert.Equal([1f, 0f, 0f, 1f], values.AsSpan(4, 4).ToArray());
        Assert.Equal([new UnseenCategory(0, "colour", "purple")], unseen);

        var answer = JsonDocument.Parse(VectorJson.WriteBmu(new Bmu(1, 2, 9, 0.5f), null, unseen)).RootElement;
        Assert.Equal("purple", answer.GetProperty("unseen_categories").GetProperty("colour").GetString());
    }
}
