using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Kohonen.Server.Api;

/// <summary>A 503 answer whose body is <typeparamref name="TValue"/> as JSON (not a problem: <c>/health</c>
/// answers its usual shape, saying why it is unhealthy).</summary>
/// <typeparam name="TValue">The body's type.</typeparam>
internal sealed class Unavailable<TValue>(TValue value) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>, IEndpointMetadataProvider
{
    public TValue Value { get; } = value;

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => StatusCodes.Status503ServiceUnavailable;

    public Task ExecuteAsync(HttpContext httpContext) =>
        TypedResults.Json(Value, statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(TValue), ["application/json"]));
}
