using System.Reflection;
using Kohonen.Server.Api;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Kohonen.Server.Dashboard;

/// <summary>The dashboard: pages rendered on the server from Razor components (static rendering), a
/// small script and a style sheet served from the assembly. The pages read the store and the served
/// model as the JSON routes do; everything they change (training, activating, predictions) goes through
/// those routes from the browser.</summary>
public static class DashboardEndpoints
{
    /// <summary>The dashboard's own routes, which the API reference leaves out.</summary>
    public const string Prefix = "/dashboard";

    /// <summary>Registers what the pages need: Razor components' static rendering.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents();
        return services;
    }

    /// <summary>Maps the dashboard: the runs at <c>/</c>, a run, compare, the map explorer, predict and
    /// train under <c>/dashboard</c>, the model file of a run, and the script and style sheet.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var pages = app.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/", RunsPage);
        pages.MapGet(Prefix + "/runs/{run_id}", RunPage);
        pages.MapGet(Prefix + "/runs/{run_id}/model.som", ModelFileAsync);
        pages.MapGet(Prefix + "/runs/{run_id}/thumbnail.png", ThumbnailAsync);
        pages.MapGet(Prefix + "/compare", ComparePage);
        pages.MapGet(Prefix + "/map", MapPage);
        pages.MapGet(Prefix + "/predict", (string? colour) => Page<PredictPage>(new() { [nameof(PredictPage.Colour)] = colour }));
        pages.MapGet(Prefix + "/train", (HttpContext http, KohonenServerOptions options) =>
            Page<TrainPage>(new() { [nameof(TrainPage.CanTrain)] = options.ApiKey is not null || IsLocal(http) }));
        pages.MapGet(Prefix + "/assets/{file}", Asset);
        return app;
    }

    private static RazorComponentResult RunsPage(
        string? experiment, string? status, string? q, string? sort, string? dir, int? page) =>
        Page<RunsPage>(new()
        {
            [nameof(Dashboard.RunsPage.Experiment)] = experiment,
            [nameof(Dashboard.RunsPage.Status)] = status,
            [nameof(Dashboard.RunsPage.Query)] = q,
            [nameof(Dashboard.RunsPage.Sort)] = sort,
            [nameof(Dashboard.RunsPage.Direction)] = dir,
            [nameof(Dashboard.RunsPage.PageNumber)] = page ?? 1,
        });

    private static RazorComponentResult RunPage([FromRoute(Name = "run_id")] string runId) =>
        Page<RunPage>(new() { [nameof(Dashboard.RunPage.RunId)] = runId });

    private static RazorComponentResult ComparePage(HttpContext http) =>
        Page<ComparePage>(new() { [nameof(Dashboard.ComparePage.RunIds)] = http.Request.Query["run"].Where(r => !string.IsNullOrEmpty(r)).Select(r => r!).Distinct().Take(8).ToArray() });

    private static RazorComponentResult MapPage(string? colour) =>
        Page<MapPage>(new() { [nameof(Dashboard.MapPage.Colour)] = colour });

    private static RazorComponentResult Page<T>(Dictionary<string, object?> parameters)
        where T : Microsoft.AspNetCore.Components.IComponent => new RazorComponentResult<T>(parameters)
        {
            ContentType = "text/html; charset=utf-8",
        };

    /// <summary>A run's <c>model.som</c>, as a download.</summary>
    private static async Task<Results<FileContentHttpResult, NotFoundProblem, ConflictProblem>> ModelFileAsync(
        [FromRoute(Name = "run_id")] string runId, KohonenServerOptions options, CancellationToken cancellationToken)
    {
        if (await ModelEndpoints.FindRunAsync(options.Store, runId, cancellationToken).ConfigureAwait(false) is not { } run)
        {
            return ModelEndpoints.NoRun(runId);
        }

        if (ModelEndpoints.Unfinished(run, "download") is { } unfinished)
        {
            return unfinished;
        }

        byte[] bytes;
        try
        {
            bytes = await options.Store.ReadArtifactAsync(runId, "model.som", cancellationToken).ConfigureAwait(false);
        }
        catch (TrackingException e)
        {
            return Problems.NotFound(e.Message);
        }

        return TypedResults.File(bytes, "application/octet-stream", $"{run.Info.RunName}-{runId[..8]}.som");
    }

    /// <summary>The runs table's picture of a run: its U-matrix as <c>/maps/{run_id}/umatrix.png</c>
    /// draws it, which the browser may keep for a day (a finished run's model never changes), so the
    /// table's pictures are fetched once, not on every visit.</summary>
    private static async Task<IResult> ThumbnailAsync(
        [FromRoute(Name = "run_id")] string runId, KohonenServerOptions options, MapPictureCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        var picture = await PictureEndpoints.RunPictureAsync(runId, "umatrix", null, null, options, cache, http, cancellationToken).ConfigureAwait(false);
        if (picture.Result is PngPicture)
        {
            http.Response.Headers.CacheControl = "private, max-age=86400";
        }

        return picture.Result;
    }

    private static readonly Dictionary<string, string> AssetTypes = new(StringComparer.Ordinal)
    {
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    private static Results<FileContentHttpResult, NotFoundProblem> Asset(string file, HttpContext http)
    {
        if (!AssetTypes.TryGetValue(file, out var type))
        {
            return Problems.NotFound($"The dashboard has no file '{file}'.");
        }

        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.File(AssetBytes(file), type);
    }

    private static readonly Dictionary<string, byte[]> Assets = new(StringComparer.Ordinal);

    private static byte[] AssetBytes(string file)
    {
        lock (Assets)
        {
            if (!Assets.TryGetValue(file, out var bytes))
            {
                using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Kohonen.Server.Dashboard." + file)
                    ?? throw new InvalidOperationException($"The dashboard's {file} is missing from the assembly.");
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
                Assets[file] = bytes;
            }

            return bytes;
        }
    }

    /// <summary>Whether the request came from this machine (training without a key is allowed only then).</summary>
    private static bool IsLocal(HttpContext http) =>
        http.Connection.RemoteIpAddress is not { } address || System.Net.IPAddress.IsLoopback(address);
}
