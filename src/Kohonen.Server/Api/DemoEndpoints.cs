using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Kohonen.Server.Api;

/// <summary><c>GET /kohonen</c>, the first Python original's endpoint: train the colour demo on request
/// and return the picture (<see cref="ColorDemoPictures"/>), among the pictures. Sizes are bounded; the
/// defaults are the core's (<see cref="ColorDemoDefaults"/>). The handler's XML docs are the OpenAPI
/// document's summary, description (remarks) and response descriptions.</summary>
internal static class DemoEndpoints
{
    /// <summary>The most work one request may ask for: colours × iterations × nodes (ten times the classic demo).</summary>
    public const long MaxWork = 2_000_000_000;

    /// <summary>The most training one request may ask for: iterations × nodes (ten times the classic
    /// demo's 1,000 × 100 × 100), the CPU budget of a route anyone may call.</summary>
    public const long MaxTrainingWork = 100_000_000;

    public static IEndpointRouteBuilder MapDemoEndpoints(this IEndpointRouteBuilder app)
    {
        var demo = app.MapGroup("").WithTags(PictureEndpoints.Tag);
        demo.MapGet("/kohonen", ColorDemoAsync);
        return app;
    }

    /// <summary>Train the colour demo and return its picture (PNG).</summary>
    /// <remarks>input_size random colours (1..1000, default 20) on a width × height map (1..200, default 100) for iterations (1..10000, default 1000); input_size × iterations × width × height at most 2·10⁹ and iterations × width × height at most 10⁸. One training at a time (four more may wait; beyond that 503 with Retry-After). With seed the picture is repeatable (and remembered).</remarks>
    /// <response code="200">The picture: the colours on top, the trained map below.</response>
    /// <response code="400">A size or the seed is out of its range, or the work is too large; the detail says which.</response>
    /// <response code="503">One demo is training and the queue behind it is full; Retry-After says when to come back.</response>
    public static async Task<Results<PngPicture, BadRequestProblem, DemoBusyProblem>> ColorDemoAsync(
        [FromQuery(Name = "input_size")] int? inputSize, int? width, int? height, int? iterations, int? seed,
        ColorDemoPictures pictures, CancellationToken cancellationToken)
    {
        var (n, w, h, t) = (inputSize ?? ColorDemoDefaults.Colors, width ?? ColorDemoDefaults.Width, height ?? ColorDemoDefaults.Height, iterations ?? ColorDemoDefaults.Iterations);
        var problem = n is < 1 or > 1000 ? $"input_size must be in 1..1000; got {n}."
            : w is < 1 or > 200 ? $"width must be in 1..200; got {w}."
            : h is < 1 or > 200 ? $"height must be in 1..200; got {h}."
            : t is < 1 or > 10_000 ? $"iterations must be in 1..10000; got {t}."
            : seed is < 0 ? $"seed must be 0 or more; got {seed}."
            : (long)n * t * w * h > MaxWork ? string.Create(CultureInfo.InvariantCulture, $"input_size × iterations × width × height is {(long)n * t * w * h}; at most {MaxWork} is allowed.")
            : (long)t * w * h > MaxTrainingWork ? string.Create(CultureInfo.InvariantCulture, $"iterations × width × height is {(long)t * w * h}; at most {MaxTrainingWork} is allowed.")
            : null;
        if (problem is not null)
        {
            return Problems.BadRequest(problem);
        }

        return await pictures.GetAsync(n, w, h, t, seed, cancellationToken).ConfigureAwait(false) is { } png
            ? new PngPicture(png)
            : Problems.DemoBusy($"The colour demo trains one picture at a time and {ColorDemoPictures.MaxWaiting} requests are waiting; try again in a second.");
    }
}
