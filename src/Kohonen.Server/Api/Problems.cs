using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Kohonen.Server.Api;

/// <summary>The API's errors, all RFC 9457 problem details (<c>application/problem+json</c>), each of a
/// type that names its status, so a handler's return type tells the OpenAPI document which problems it
/// answers.</summary>
internal static class Problems
{
    public static BadRequestProblem BadRequest(string detail) => new(detail);

    public static NotFoundProblem NotFound(string detail) => new(detail);

    public static ConflictProblem Conflict(string detail) => new(detail);

    public static NoModelProblem NoModel(string? why) => new(why ?? "No model is loaded.");

    public static BodyProblem TooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge, ProblemDetail.Title(StatusCodes.Status413PayloadTooLarge),
        string.Create(CultureInfo.InvariantCulture, $"The body is larger than the {limit} bytes this service accepts."));

    public static BodyProblem UnsupportedMediaType(string? contentType, bool npyToo = false) => Unsupported(
        npyToo
            ? $"The body must be JSON (Content-Type: application/json) or a NumPy .npy file (Content-Type: {RequestBody.NpyMediaType}); got '{contentType ?? "none"}'."
            : $"The body must be JSON (Content-Type: application/json); got '{contentType ?? "none"}'.");

    /// <summary>415 with its own detail (a body of a type the route takes, but not for this model).</summary>
    public static BodyProblem Unsupported(string detail) =>
        new(StatusCodes.Status415UnsupportedMediaType, ProblemDetail.Title(StatusCodes.Status415UnsupportedMediaType), detail);

    public static TooManyRequestsProblem Busy(string detail) => new(detail);

    public static DemoBusyProblem DemoBusy(string detail) => new(detail);

    public static UnauthorizedProblem Unauthorized(string detail) => new(detail);

    public static ForbiddenProblem Forbidden(string detail) => new(detail);

    /// <summary>Describes a problem answer of <paramref name="status"/> in an endpoint's metadata (for OpenAPI).</summary>
    internal static void Describe(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>A problem answer: written by ASP.NET Core's problem details writer (so every error has the same
/// shape), with the status, title and detail given.</summary>
internal abstract class ProblemResult(int status, string title, string detail) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    private readonly ProblemHttpResult _problem = TypedResults.Problem(detail, statusCode: status, title: title);

    public int StatusCode => _problem.StatusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public ProblemDetails Value => _problem.ProblemDetails;

    object? IValueHttpResult.Value => Value;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);
}

/// <summary>400: the request cannot be carried out as sent (a bad vector, query value or option).</summary>
internal sealed class BadRequestProblem(string detail)
    : ProblemResult(StatusCodes.Status400BadRequest, ProblemDetail.Title(StatusCodes.Status400BadRequest), detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status400BadRequest);
}

/// <summary>404: no such run, node, picture kind or training.</summary>
internal sealed class NotFoundProblem(string detail)
    : ProblemResult(StatusCodes.Status404NotFound, ProblemDetail.Title(StatusCodes.Status404NotFound), detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status404NotFound);
}

/// <summary>409: the run or training is not in a state that allows this.</summary>
internal sealed class ConflictProblem(string detail)
    : ProblemResult(StatusCodes.Status409Conflict, "Not in a state that allows this.", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status409Conflict);
}

/// <summary>503: no model is served, so no prediction can be made (never a made-up answer).</summary>
internal sealed class NoModelProblem(string detail)
    : ProblemResult(StatusCodes.Status503ServiceUnavailable, "No model is being served; no prediction can be made.", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status503ServiceUnavailable);
}

/// <summary>413 (over the size limit) or 415 (not JSON): a request body that is not read.</summary>
internal sealed class BodyProblem(int status, string title, string detail) : ProblemResult(status, title, detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Problems.Describe(builder, StatusCodes.Status413PayloadTooLarge);
        Problems.Describe(builder, StatusCodes.Status415UnsupportedMediaType);
    }
}

/// <summary>429: over the rate limit, or a training while the most allowed run.</summary>
internal sealed class TooManyRequestsProblem(string detail)
    : ProblemResult(StatusCodes.Status429TooManyRequests, ProblemDetail.Title(StatusCodes.Status429TooManyRequests), detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status429TooManyRequests);
}

/// <summary>503 with Retry-After: the colour demo's one training slot and its queue are full.</summary>
internal sealed class DemoBusyProblem(string detail)
    : ProblemResult(StatusCodes.Status503ServiceUnavailable, "The colour demo is busy.", detail), IResult, IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status503ServiceUnavailable);

    Task IResult.ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = "1";
        return ExecuteAsync(httpContext);
    }
}

/// <summary>401: an operator route without the API key.</summary>
internal sealed class UnauthorizedProblem(string detail)
    : ProblemResult(StatusCodes.Status401Unauthorized, "An API key is needed.", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status401Unauthorized);
}

/// <summary>403: an operator route with a wrong key, or (no key configured) from another machine.</summary>
internal sealed class ForbiddenProblem(string detail)
    : ProblemResult(StatusCodes.Status403Forbidden, "Not allowed from here.", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Describe(builder, StatusCodes.Status403Forbidden);
}
