using Kohonen.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Kohonen.Server.Api;

/// <summary><c>GET /maps/{run_id}/{kind}.png</c>: pictures of the store's runs, drawn once per run and
/// kind (<see cref="MapPictureCache"/>). The handler's XML docs are the OpenAPI document's summary,
/// description (remarks) and response descriptions.</summary>
internal static class PictureEndpoints
{
    /// <summary>The tag of the picture routes (the colour demo, <c>/kohonen</c>, is one too).</summary>
    public const string Tag = "Pictures";

    public static IEndpointRouteBuilder MapPictureEndpoints(this IEndpointRouteBuilder app)
    {
        var pictures = app.MapGroup("").WithTags(Tag);
        pictures.MapGet("/maps/{run_id}/{kind}.png", RunPictureAsync);
        return app;
    }

    /// <summary>A picture of a run's map: rgb, umatrix, planes or hits.</summary>
    /// <remarks>Drawn once per run and kind (a run's model never changes). The hits need the training data, so they are the picture the run kept when it was trained.</remarks>
    /// <response code="200">The picture.</response>
    /// <response code="400">The picture cannot be drawn from this run's model; the detail says why.</response>
    /// <response code="404">No such kind or run, or hits of a run that kept none.</response>
    /// <response code="409">The prefix names several runs, or the run did not finish, so it has no model to draw.</response>
    public static async Task<Results<PngPicture, BadRequestProblem, NotFoundProblem, ConflictProblem>> RunPictureAsync(
        [FromRoute(Name = "run_id")] string runId, string kind, KohonenServerOptions options, MapPictureCache cache, HttpContext context, CancellationToken cancellationToken)
    {
        // Route literals match in any case; the picture's name is exactly as written (rgb.png, not rgb.PNG).
        if (!MapPictureCache.Kinds.Contains(kind) || context.Request.Path.Value?.EndsWith(".png", StringComparison.Ordinal) != true)
        {
            return Problems.NotFound($"There is no picture '{kind}.png'; the kinds are {string.Join(", ", MapPictureCache.Kinds)}.");
        }

        Run? run;
        try
        {
            run = await ModelEndpoints.FindRunAsync(options.Store, runId, cancellationToken).ConfigureAwait(false);
        }
        catch (AmbiguousRunIdException e)
        {
            return Problems.Conflict(e.Message);
        }

        if (run is null)
        {
            return ModelEndpoints.NoRun(runId);
        }

        if (ModelEndpoints.Unfinished(run, "draw") is { } unfinished)
        {
            return unfinished;
        }

        byte[]? png;
        try
        {
            png = await cache.GetAsync(run.Info.RunId, kind).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest(e.Message);
        }

        return png is null
            ? Problems.NotFound($"Run {runId} has no hit map: the hits need the training data, which the run kept no picture of (runs recorded by this version keep pictures/hits.png).")
            : new PngPicture(png);
    }
}
