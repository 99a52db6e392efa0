using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Kohonen.Server.Api;

/// <summary>The API's errors, all RFC 9457 problem details (<c>application/problem+json</c>).</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request cannot be carried out as sent.");

    public static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    public static IResult Conflict(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Not in a state that allows this.");

    public static IResult NoModel(string? why) => Results.Problem(
        why ?? "No model is loaded.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "No model is being served; no prediction can be made.");

    public static IResult TooLarge(long limit) => Results.Problem(
        string.Create(CultureInfo.InvariantCulture, $"The body is larger than the {limit} bytes this service accepts."),
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large.");

    public static IResult UnsupportedMediaType(string? contentType) => Results.Problem(
        $"The body must be JSON (Content-Type: application/json); got '{contentType ?? "none"}'.",
        statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.");

    public static IResult Busy(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.");

    public static IResult Unauthorized(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "An API key is needed.");

    public static IResult Forbidden(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed from here.");
}
