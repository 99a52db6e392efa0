using Microsoft.AspNetCore.Http;

namespace Kohonen.Server.Api;

/// <summary>A 200 answer that is a NumPy <c>.npy</c> file already written (<see cref="VectorNpy"/>),
/// given to a client whose Accept header asks for <see cref="RequestBody.NpyMediaType"/>. The OpenAPI
/// document lists it beside the JSON answer (<see cref="OpenApiDocs"/>).</summary>
internal sealed class PrewrittenNpy(byte[] npy) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <summary>The file's bytes.</summary>
    public byte[] Npy { get; } = npy;

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => RequestBody.NpyMediaType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.ContentLength = Npy.Length;
        return httpContext.Response.Body.WriteAsync(Npy).AsTask();
    }
}
