using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>
/// /predict-batch with a NumPy .npy body and a .npy answer. The files are built and taken apart here
/// byte by byte from NumPy's format description (not by the service's code): the request a float array
/// of shape (n, features), the answer a structured array whose header is written out below by hand.
/// </summary>
public sealed class NpyBatchTests(TrainedStore trained, LabelledStore labelled, CategoricalStore categorical)
    : IClassFixture<TrainedStore>, IClassFixture<LabelledStore>, IClassFixture<CategoricalStore>
{
    private const string Npy = "application/x-npy";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A .npy file of <paramref name="rows"/> (float32 or float64, either byte order).</summary>
    private static byte[] NpyOf(float[][] rows, string descr = "<f4", string? shape = null)
    {
        var size = descr[2] == '8' ? 8 : 4;
        var big = descr[0] == '>';
        var columns = rows.Length == 0 ? 3 : rows[0].Length;
        var payload = new byte[rows.Length * columns * size];
        var at = 0;
        foreach (var v in rows.SelectMany(r => r))
        {
            var slot = payload.AsSpan(at, size);
            if (size == 8 && big) { BinaryPrimitives.WriteDoubleBigEndian(slot, v); }
            else if (size == 8) { BinaryPrimitives.WriteDoubleLittleEndian(slot, v); }
            else if (big) { BinaryPrimitives.WriteSingleBigEndian(slot, v); }
            else { BinaryPrimitives.WriteSingleLittleEndian(slot, v); }
            at += size;
        }

        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape ?? $"({rows.Length}, {columns})"}, }}";
        var header = dict.PadRight(((10 + dict.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8), .. Encoding.ASCII.GetBytes(header), .. payload];
    }

    private static ByteArrayContent NpyContent(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(Npy);
        return content;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, HttpContent content, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict-batch") { Content = content };
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await client.SendAsync(request, Token);
    }

    private static async Task<List<JsonElement>> JsonAnswersAsync(HttpClient client, float[][] rows)
    {
        var body = JsonSerializer.Serialize(new { data = rows.Select(r => r.Select(v => float.IsNaN(v) ? null : (float?)v)) });
        var response = await PostAsync(client, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("results").EnumerateArray()];
    }

    /// <summary>The answer's header dictionary (checked against NumPy's layout) and its records.</summary>
    private static (string Dictionary, byte[] Records) Open(byte[] answer)
    {
        Assert.Equal([0x93, .. "NUMPY"u8, 1, 0], answer[..8]);
        var length = BinaryPrimitives.ReadUInt16LittleEndian(answer.AsSpan(8));
        Assert.Equal(0, (10 + length) % 64);
        var header = Encoding.ASCII.GetString(answer, 10, length);
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
        return (header.TrimEnd('\n').TrimEnd(' '), answer[(10 + length)..]);
    }

    private async Task<(ServerFactory Factory, HttpClient Client)> ServeAsync(string runId, int maxVectors = 100_000, long maxBytes = 64 << 20)
    {
        var factory = new ServerFactory(new KohonenServerOptions
        {
            Store = runId == labelled.Run.RunId ? labelled.Store : runId == categorical.Run.RunId ? categorical.Store : trained.Store,
            Selection = new SelectionRules { RunId = runId },
            MaxBatchVectors = maxVectors,
            MaxRequestBodyBytes = maxBytes,
        });
        return (factory, await factory.StartedClientAsync());
    }

    private static float[][] RandomRows(int count, int dim, int seed, float scale = 1.4f, float shift = -0.2f)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dim).Select(_ => (random.NextSingle() * scale) + shift).ToArray())];
    }

    [Theory]
    [InlineData("<f4")]
    [InlineData(">f4")]
    [InlineData("<f8")]
    [InlineData(">f8")]
    public async Task AnNpyBodyGetsThePlainScansAnswersAndTheJsonBodysBits(string descr)
    {
        var (factory, client) = await ServeAsync(trained.Best.RunId);
        await using (factory)
        using (client)
        {
            var rows = RandomRows(700, 3, 5);
            rows[3][1] = float.NaN; // a missing value, as NumPy holds it
            var response = await PostAsync(client, NpyContent(NpyOf(rows, descr)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var answers = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("results").EnumerateArray().ToList();
            var fromJson = await JsonAnswersAsync(client, rows);

            Assert.Equal(rows.Length, answers.Count);
            for (var i = 0; i < rows.Length; i++)
            {
                Assert.Equal(fromJson[i].GetRawText(), answers[i].GetRawText());
                if (i != 3)
                {
                    var (x, y, distance) = TrainedStore.Nearest(trained.Best.Model, rows[i]);
                    Assert.Equal((i, x, y), (i, answers[i].GetProperty("bmu_x").GetInt32(), answers[i].GetProperty("bmu_y").GetInt32()));
                    Assert.Equal(distance, answers[i].GetProperty("distance").GetSingle(), tolerance: 1e-5f);
                }
            }
        }
    }

    [Fact]
    public async Task TheModelsScalingAppliesToAnNpyBody()
    {
        var (factory, client) = await ServeAsync(trained.Scaled.RunId);
        await using (factory)
        using (client)
        {
            var rows = RandomRows(50, 4, 8, scale: 70, shift: 0);
            var response = await PostAsync(client, NpyContent(NpyOf(rows)), accept: Npy);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var (_, records) = Open(await response.Content.ReadAsByteArrayAsync(Token));
            for (var i = 0; i < rows.Length; i++)
            {
                var (x, y, _) = TrainedStore.Nearest(trained.Scaled.Model, rows[i]);
                Assert.Equal((i, x, y), (i, BinaryPrimitives.ReadInt32LittleEndian(records.AsSpan(i * 12)), BinaryPrimitives.ReadInt32LittleEndian(records.AsSpan((i * 12) + 4))));
            }
        }
    }

    [Fact]
    public async Task AnNpyAnswerIsAStructuredArrayOfTheJsonAnswersFields()
    {
        var (factory, client) = await ServeAsync(trained.Best.RunId);
        await using (factory)
        using (client)
        {
            var rows = RandomRows(1000, 3, 9);
            var response = await PostAsync(client, NpyContent(NpyOf(rows)), accept: Npy);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Npy, response.Content.Headers.ContentType?.MediaType);
            var (dictionary, records) = Open(await response.Content.ReadAsByteArrayAsync(Token));
            Assert.Equal("{'descr': [('bmu_x', '<i4'), ('bmu_y', '<i4'), ('distance', '<f4')], 'fortran_order': False, 'shape': (1000,), }", dictionary);
            Assert.Equal(1000 * 12, records.Length);

            var fromJson = await JsonAnswersAsync(client, rows);
            for (var i = 0; i < rows.Length; i++)
            {
                var record = records.AsSpan(i * 12, 12);
                Assert.Equal(fromJson[i].GetProperty("bmu_x").GetInt32(), BinaryPrimitives.ReadInt32LittleEndian(record));
                Assert.Equal(fromJson[i].GetProperty("bmu_y").GetInt32(), BinaryPrimitives.ReadInt32LittleEndian(record[4..]));
                Assert.Equal(fromJson[i].GetProperty("distance").GetSingle(), BinaryPrimitives.ReadSingleLittleEndian(record[8..]));
            }
        }
    }

    [Fact]
    public async Task ALabelledSegmentedMapsNpyAnswerCarriesLabelsConfidencesAndSegments()
    {
        var (factory, client) = await ServeAsync(labelled.Run.RunId!);
        await using (factory)
        using (client)
        {
            var rows = RandomRows(40, 3, 11, scale: 1, shift: 0);
            var response = await PostAsync(client, NpyContent(NpyOf(rows)), accept: Npy);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var (dictionary, records) = Open(await response.Content.ReadAsByteArrayAsync(Token));

            // The classes are "other" and "red": five code points at most, four bytes each.
            Assert.Equal("{'descr': [('bmu_x', '<i4'), ('bmu_y', '<i4'), ('distance', '<f4'), ('label', '<U5'), ('label_confidence', '<f4'), ('segment', '<i4')], 'fortran_order': False, 'shape': (40,), }", dictionary);
            const int Size = 4 + 4 + 4 + 20 + 4 + 4;
            Assert.Equal(40 * Size, records.Length);
            var fromJson = await JsonAnswersAsync(client, rows);
            for (var i = 0; i < rows.Length; i++)
            {
                var record = records.AsSpan(i * Size, Size);
                var label = Encoding.UTF32.GetString(record.Slice(12, 20)).TrimEnd('\0');
                Assert.Equal(
                    (fromJson[i].GetProperty("bmu_x").GetInt32(), fromJson[i].GetProperty("label").GetString(), fromJson[i].GetProperty("label_confidence").GetSingle(), fromJson[i].GetProperty("segment").GetInt32()),
                    (BinaryPrimitives.ReadInt32LittleEndian(record), label, BinaryPrimitives.ReadSingleLittleEndian(record[32..]), BinaryPrimitives.ReadInt32LittleEndian(record[36..])));
            }
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("*/*", false)]
    [InlineData("application/json", false)]
    [InlineData("application/x-npy", true)]
    [InlineData("application/json;q=0.9, application/x-npy", true)]
    [InlineData("application/x-npy;q=0.5, application/json", false)]
    [InlineData("application/x-npy, */*;q=0.1", true)]
    [InlineData("application/x-npy;q=0", false)]
    public async Task TheAcceptHeaderChoosesTheAnswersFormatForEitherBody(string? accept, bool npy)
    {
        var (factory, client) = await ServeAsync(trained.Best.RunId);
        await using (factory)
        using (client)
        {
            var rows = RandomRows(3, 3, 2);
            foreach (var content in new HttpContent[] { NpyContent(NpyOf(rows)), new StringContent(JsonSerializer.Serialize(new { data = rows }), Encoding.UTF8, "application/json") })
            {
                var response = await PostAsync(client, content, accept);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(npy ? Npy : "application/json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "truncated", "truncated" },
        { "foreign", "not a .npy file" },
        { "columns", "the array's rows have 2 values (shape (4, 2)); the model expects 3" },
        { "infinite", "row 2, column 1 is Infinity" },
        { "all missing", "Row 1 of the array has every value missing (NaN)" },
        { "empty", "the array has no rows" },
        { "too many", "the array has 6 vectors; one request may hold at most 5" },
        { "integers", "dtype '<i4' is not supported" },
        { "one-dimensional", "the array has one value a row (a 1-D array of 3 values reads as 3 rows of one); the model expects 3" },
        { "trailing bytes", "4 bytes follow the array's values" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ABadNpyBodyIsRefusedWithA400ThatSaysWhy(string what, string reason)
    {
        var (factory, client) = await ServeAsync(trained.Best.RunId, maxVectors: 5);
        await using (factory)
        using (client)
        {
            var good = RandomRows(4, 3, 3);
            var body = what switch
            {
                "truncated" => NpyOf(good)[..^5],
                "foreign" => "1,2,3\n4,5,6\n"u8.ToArray(),
                "columns" => NpyOf(RandomRows(4, 2, 3)),
                "infinite" => NpyOf([.. good.Select((r, i) => i == 2 ? [r[0], float.PositiveInfinity, r[2]] : r)]),
                "all missing" => NpyOf([.. good.Select((r, i) => i == 1 ? [float.NaN, float.NaN, float.NaN] : r)]),
                "empty" => NpyOf([], shape: "(0, 3)"),
                "too many" => NpyOf(RandomRows(6, 3, 3)),
                "one-dimensional" => NpyOf([.. good[0].Select(v => new[] { v })], shape: "(3,)"),
                "trailing bytes" => [.. NpyOf(good), 1, 2, 3, 4],
                _ => NpyOf(good, "<i4"),
            };
            var response = await PostAsync(client, NpyContent(body));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("detail").GetString();
            Assert.Contains(reason, detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AProblemAnsweredToAClientAskingForNpyHasTheShapeOfEveryOther()
    {
        var (factory, client) = await ServeAsync(trained.Best.RunId, maxBytes: 1000);
        await using (factory)
        using (client)
        {
            var answers = new List<JsonElement>();
            foreach (var accept in new[] { Npy, "application/json" })
            {
                foreach (var body in new[] { NpyOf(RandomRows(4, 3, 3))[..^5], NpyOf(RandomRows(100, 3, 1)) })
                {
                    var response = await PostAsync(client, NpyContent(body), accept);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    answers.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.Clone());
                }
            }

            // The truncated body (400) and the oversized one (413), asked for .npy and for JSON.
            Assert.All(answers, a => Assert.False(string.IsNullOrEmpty(a.GetProperty("trace_id").GetString())));
            Assert.Equal(
                answers.Skip(2).Select(a => (a.GetProperty("type").GetString(), a.GetProperty("title").GetString(), a.GetProperty("status").GetInt32())),
                answers.Take(2).Select(a => (a.GetProperty("type").GetString(), a.GetProperty("title").GetString(), a.GetProperty("status").GetInt32())));
            Assert.Equal((400, 413), (answers[0].GetProperty("status").GetInt32(), answers[1].GetProperty("status").GetInt32()));
            Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.14", answers[1].GetProperty("type").GetString());

            // A route that does not exist has the title of a run that does not.
            var route = JsonDocument.Parse(await (await client.GetAsync("/no-such-route", Token)).Content.ReadAsStringAsync(Token)).RootElement;
            var run = JsonDocument.Parse(await (await client.GetAsync("/runs/0123456789abcdef0123456789abcdef", Token)).Content.ReadAsStringAsync(Token)).RootElement;
            Assert.Equal(run.GetProperty("title").GetString(), route.GetProperty("title").GetString());
            Assert.Equal("Not found.", route.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task OtherContentTypesAndOversizedFilesAreRefusedSayingWhatIsTaken()
    {
        var (factory, client) = await ServeAsync(trained.Best.RunId, maxBytes: 1000);
        await using (factory)
        using (client)
        {
            var text = await PostAsync(client, new StringContent("1,2,3", Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
            Assert.Contains("application/x-npy", JsonDocument.Parse(await text.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

            var large = await PostAsync(client, NpyContent(NpyOf(RandomRows(100, 3, 1))));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);

            // Only /predict-batch takes a .npy body: /predict-bmu still names JSON alone.
            using var one = new HttpRequestMessage(HttpMethod.Post, "/predict-bmu") { Content = NpyContent(NpyOf(RandomRows(1, 3, 1))) };
            var single = await client.SendAsync(one, Token);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, single.StatusCode);
            Assert.Contains("The body must be JSON (Content-Type: application/json); got 'application/x-npy'", await single.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AMapWithCategoricalColumnsTakesJsonOnly()
    {
        var (factory, client) = await ServeAsync(categorical.Run.RunId!);
        await using (factory)
        using (client)
        {
            var response = await PostAsync(client, NpyContent(NpyOf(RandomRows(2, 4, 1))));

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("detail").GetString();
            Assert.Contains("categorical columns (colour)", detail, StringComparison.Ordinal);
            Assert.Contains("application/json", detail, StringComparison.Ordinal);
        }
    }
}
