using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Kohonen.Server.Api;

/// <summary>
/// The body of <c>POST /predict-batch</c>: JSON (<see cref="PredictBatchRequest"/>) or a NumPy
/// <c>.npy</c> file of the vectors (<see cref="RequestBody.NpyMediaType"/>), read whole into a pooled
/// buffer within <see cref="KohonenServerOptions.MaxRequestBodyBytes"/>. As a handler's parameter it
/// makes routing refuse other content types (415) and gives the OpenAPI document both. A body that
/// cannot be read is not an exception: <see cref="Problem"/> says why. Dispose it to return the buffer.
/// </summary>
internal sealed class BatchBody : IEndpointParameterMetadataProvider, IDisposable
{
    private readonly RequestBody? _body;

    private BatchBody(RequestBody? body, BodyProblem? problem)
    {
        _body = body;
        Problem = problem;
    }

    /// <summary>Why the body was not read (413, 415); null when it was.</summary>
    public BodyProblem? Problem { get; }

    /// <summary>Whether the body is a <c>.npy</c> file rather than JSON.</summary>
    public bool IsNpy => _body?.IsNpy == true;

    /// <summary>The body's bytes (empty when <see cref="Problem"/> is set).</summary>
    public ReadOnlySpan<byte> Bytes => _body is null ? default : _body.Span;

    /// <summary>The body's bytes as an array segment (empty when <see cref="Problem"/> is set).</summary>
    public ArraySegment<byte> Segment => _body is null ? ArraySegment<byte>.Empty : _body.Segment;

    /// <summary>Reads the request's body (the binding ASP.NET Core calls for a handler's parameter).</summary>
    public static async ValueTask<BatchBody?> BindAsync(HttpContext context)
    {
        var (body, problem) = await RequestBody.BindAsync(context, npyToo: true).ConfigureAwait(false);
        return new BatchBody(body, problem);
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json", RequestBody.NpyMediaType], typeof(PredictBatchRequest)));

    public void Dispose() => _body?.Dispose();
}
