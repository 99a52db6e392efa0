using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Kohonen.Server.Api;

/// <summary>A 200 answer holding a PNG picture (<c>image/png</c>, described as binary in OpenAPI).</summary>
internal sealed class PngPicture(byte[] png) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    /// <summary>The PNG file's bytes.</summary>
    public byte[] Png { get; } = png;

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "image/png";

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.File(Png, ContentType).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(Stream), ["image/png"]));
}
