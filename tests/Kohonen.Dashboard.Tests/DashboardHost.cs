using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Kohonen.Server;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Kohonen.Dashboard.Tests;

/// <summary>The service on a free 127.0.0.1 port over a seeded store (colour runs, a hexagonal one, a
/// failed one; a CSV in the training-data folder), with an API key, and Debian's Chromium driven by
/// Playwright. Shared by the tests of one class.</summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string ApiKey = "dashboard-test-key";
    public const string ChromiumPath = "/usr/bin/chromium";

    private WebApplication? _app;
    private IPlaywright? _playwright;

    public string Folder { get; } = Directory.CreateTempSubdirectory("kohonen-dashboard-tests-").FullName;

    public SqliteTrackingStore Store { get; private set; } = null!;

    public string BaseAddress { get; private set; } = "";

    public HttpClient Http { get; private set; } = null!;

    public IBrowser? Browser { get; private set; }

    /// <summary>Why there is no browser, when there is none.</summary>
    public string? Missing { get; private set; }

    /// <summary>Where the screenshots go: TestResults/dashboard at the repository's root.</summary>
    public string Screenshots { get; } = ScreenshotFolder();

    public string BestRunId { get; private set; } = "";

    public string FailedRunId { get; private set; } = "";

    /// <summary>The run whose map keeps labels and segments, and that map.</summary>
    public string LabelledRunId { get; private set; } = "";

    public SomModel LabelledModel { get; private set; } = null!;

    /// <summary>The labelled run's logged <c>training_accuracy</c>.</summary>
    public const double LabelledAccuracy = 0.875;

    /// <summary>The served run's map and the rows it was trained on.</summary>
    public SomModel BestModel { get; private set; } = null!;

    public DataMatrix Colours { get; private set; } = null!;

    public const int BulkRuns = 110;

    public string BulkExperimentId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Store = SqliteTrackingStore.Open(Path.Combine(Folder, "store"));
        var colours = SampleData.RandomColors(60, 3);
        Func<SomModel, IEnumerable<(string, byte[])>> hits = m => [("pictures/hits.png", Kohonen.Imaging.MapPictures.HitMap(m, colours))];
        var best = await TrainingRecorder.TrainAsync(Store, "colours", "big", new SomTrainer(new SomOptions { Width = 16, Height = 12, Iterations = 40, Seed = 1, MetricsEvery = 4 }), colours,
            tags: new Dictionary<string, string> { ["data_file"] = "colours.csv" }, artifacts: hits);
        BestRunId = best.RunId;
        BestModel = best.Model;
        Colours = colours;
        var small = await TrainingRecorder.TrainAsync(Store, "colours", "small", new SomTrainer(new SomOptions { Width = 4, Height = 3, Iterations = 30, Seed = 2, MetricsEvery = 5 }), colours, artifacts: hits);
        // A measured accuracy wins over the training rows' accuracy in the runs table.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Store.LogMetricsAsync(small.RunId, [new Metric("accuracy", 0.5, 0, now), new Metric("training_accuracy", 0.25, 0, now)]);
        await TrainingRecorder.TrainAsync(Store, "shapes", "hexagonal", new SomTrainer(new SomOptions { Width = 9, Height = 7, Iterations = 30, Seed = 3, Topology = Topology.Hexagonal, MetricsEvery = 5 }), colours, artifacts: hits);
        // A map that keeps labels (each colour's strongest channel) and three segments.
        var names = Enumerable.Range(0, colours.Rows).Select(r => (colours[r, 0], colours[r, 1], colours[r, 2]) switch
        {
            var (red, green, blue) when red >= green && red >= blue => "red",
            var (_, green, blue) when green >= blue => "green",
            _ => "blue",
        }).ToArray();
        var labelled = await new TrainingSession(new SomOptions { Width = 8, Height = 6, Iterations = 30, Seed = 4, MetricsEvery = 5 }, DataSource.FromMatrix(colours))
        {
            Recording = new RunRecording(Store, "shapes", "labelled", null),
            Complete = m => m.WithLabels(colours, names).WithSegments(CodebookClustering.Segment(m, 3, SegmentMethod.Ward)),
        }.RunAsync();
        LabelledRunId = labelled.RunId!;
        LabelledModel = labelled.Model;
        // What kohonen train logs for a map trained with a label column.
        await Store.LogMetricsAsync(LabelledRunId, [new Metric("training_accuracy", LabelledAccuracy, 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())]);
        var experiment = await Store.GetOrCreateExperimentAsync("shapes");
        var failed = await Store.CreateRunAsync(experiment.ExperimentId, "broken");
        await Store.EndRunAsync(failed.RunId, RunStatus.Failed);
        FailedRunId = failed.RunId;

        // Enough runs for three pages of the runs table (runs without a model: cancelled at once).
        var bulk = await Store.GetOrCreateExperimentAsync("bulk");
        BulkExperimentId = bulk.ExperimentId;
        for (var i = 0; i < BulkRuns; i++)
        {
            var run = await Store.CreateRunAsync(bulk.ExperimentId, $"bulk-{i:000}");
            await Store.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["width"] = "5", ["height"] = (1 + i % 9).ToString(CultureInfo.InvariantCulture) });
            await Store.EndRunAsync(run.RunId, RunStatus.Killed);
        }

        var data = Directory.CreateDirectory(Path.Combine(Folder, "data")).FullName;
        var rows = SampleData.RandomColors(400, 11);
        var csv = new System.Text.StringBuilder("red,green,blue\n");
        for (var r = 0; r < rows.Rows; r++)
        {
            csv.AppendLine(string.Join(",", Enumerable.Range(0, 3).Select(c => rows[r, c].ToString("R", CultureInfo.InvariantCulture))));
        }

        await File.WriteAllTextAsync(Path.Combine(data, "colours.csv"), csv.ToString());

        var options = new KohonenServerOptions
        {
            Store = Store,
            ApiKey = ApiKey,
            TrainDemoWhenEmpty = false,
            TrainingDataDirectory = data,
            Selection = new SelectionRules { RunId = best.RunId },
        };
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Folder });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddKohonenServer(options);
        _app = builder.Build();
        _app.MapKohonenApi();
        await _app.StartAsync();
        BaseAddress = _app.Urls.First();
        Http = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        for (var i = 0; i < 600; i++)
        {
            using var health = await Http.GetAsync(new Uri("/health", UriKind.Relative));
            if (health.IsSuccessStatusCode)
            {
                break;
            }

            await Task.Delay(50);
        }

        if (!File.Exists(ChromiumPath))
        {
            Missing = $"{ChromiumPath} is missing: install Debian's Chromium (apt-get install -y chromium); .ci/run does.";
            return;
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    /// <summary>A new page (its own context, so sessionStorage starts empty) at a desktop size; skips
    /// the test when there is no browser, or fails it when CI=true or KOHONEN_REQUIRE_BROWSER=1.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        if (Browser is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
                || Environment.GetEnvironmentVariable("KOHONEN_REQUIRE_BROWSER") == "1")
            {
                Assert.Fail(Missing ?? "No browser.");
            }

            Assert.Skip(Missing ?? "No browser.");
        }

        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        return page;
    }

    /// <summary>A full-page screenshot, once every picture below the fold (loaded lazily) has loaded.</summary>
    public async Task ScreenshotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("""
            () => Promise.all(Array.from(document.images, i => {
              i.loading = 'eager';
              return i.complete ? null : new Promise(done => { i.addEventListener('load', done); i.addEventListener('error', done); });
            }))
            """);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    public async Task<JsonElement> GetJsonAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative));

    private static string ScreenshotFolder()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Kohonen.slnx")))
        {
            folder = folder.Parent;
        }

        var path = Path.Combine(folder?.FullName ?? AppContext.BaseDirectory, "TestResults", "dashboard");
        Directory.CreateDirectory(path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
