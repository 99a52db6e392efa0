using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Kohonen.Server.Api;

/// <summary>A 200 answer of JSON already written by hand (<see cref="VectorJson"/>), whose shape is
/// <typeparamref name="TContract"/>'s: the OpenAPI document describes it with that type's schema, and
/// the tests hold the writer to it.</summary>
/// <typeparam name="TContract">The record the JSON is documented as.</typeparam>
internal sealed class PrewrittenJson<TContract>(ReadOnlyMemory<byte> utf8) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    /// <summary>The JSON, UTF-8.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.ContentLength = Utf8.Length;
        return httpContext.Response.Body.WriteAsync(Utf8).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TContract), ["application/json"]));
}
