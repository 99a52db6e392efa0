using Kohonen.Imaging;
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

    /// <summary>A picture of a run's map: rgb, umatrix, planes, hits, labels, segments or curve.</summary>
    /// <remarks>Drawn once per run, kind, width and features (a run's model never changes). `width` sets the width in pixels (120..8000, default 640). `features` chooses the three features of rgb as `i,j,k` (default the first three). The hits need the training data, so they are the picture the run kept when it was trained; labels and segments need a map that keeps them.</remarks>
    /// <response code="200">The picture.</response>
    /// <response code="400">The picture cannot be drawn from this run's model; the detail says why.</response>
    /// <response code="404">No such kind or run, or hits of a run that kept none.</response>
    /// <response code="409">The prefix names several runs, the run did not finish, so it has no model to draw, or its model file is missing or damaged (the detail says why).</response>
    public static async Task<Results<PngPicture, BadRequestProblem, NotFoundProblem, ConflictProblem>> RunPictureAsync(
        [FromRoute(Name = "run_id")] string runId, string kind, [FromQuery] string? width, [FromQuery] string? features, KohonenServerOptions options, MapPictureCache cache, HttpContext context, CancellationToken cancellationToken)
    {
        // Route literals match in any case; the picture's name is exactly as written (rgb.png, not rgb.PNG).
        if (!MapPictureCache.Kinds.Contains(kind) || context.Request.Path.Value?.EndsWith(".png", StringComparison.Ordinal) != true)
        {
            var asked = context.Request.Path.Value is { } path ? path[(path.LastIndexOf('/') + 1)..] : $"{kind}.png";
            return Problems.NotFound($"There is no picture '{asked}'; the pictures are {string.Join(", ", MapPictureCache.Kinds.Select(k => k + ".png"))}.");
        }

        var pixels = PictureOptions.Default.Width;
        if (width is not null && (!int.TryParse(width, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pixels) || pixels is < PictureOptions.MinWidth or > PictureOptions.MaxWidth))
        {
            return Problems.BadRequest($"width must be a whole number of pixels in {PictureOptions.MinWidth}..{PictureOptions.MaxWidth}; got '{width}'.");
        }

        int[]? chosen = null;
        if (features is not null)
        {
            var parts = features.Split(',', StringSplitOptions.TrimEntries);
            chosen = new int[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out chosen[i]))
                {
                    return Problems.BadRequest($"features must be three feature indices separated by commas, such as 0,1,2; got '{features}'.");
                }
            }

            if (kind != "rgb" || chosen.Length != 3)
            {
                return Problems.BadRequest(kind != "rgb"
                    ? "features chooses the three features of rgb.png; other pictures take no features."
                    : $"features must be three feature indices for red, green and blue; got {chosen.Length}.");
            }
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
            png = await cache.GetAsync(run.Info.RunId, kind, pixels, chosen).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest(WithoutParameter(e));
        }
        catch (UnusableModelException e)
        {
            return Problems.Conflict($"No picture can be drawn: the model of {e.Message}");
        }

        return png is null
            ? Problems.NotFound($"Run {runId} has no hit map: the hits need the training data, which the run kept no picture of (runs recorded by this version keep pictures/hits.png).")
            : new PngPicture(png);
    }

    /// <summary>An argument error's message without the .NET parameter name and value it carries.</summary>
    private static string WithoutParameter(ArgumentException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message.Split('\n')[0];
    }
}
