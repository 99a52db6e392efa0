using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Kohonen.Server.Api;

/// <summary>
/// A JSON request body read whole into a pooled buffer (within <see cref="KohonenServerOptions.MaxRequestBodyBytes"/>)
/// for a hand-written reader, documented as <typeparamref name="TContract"/>: as a handler's parameter it
/// gives the OpenAPI document the request's schema and makes routing refuse other content types (415).
/// A body that cannot be read is not an exception: <see cref="Problem"/> says why. Dispose it to return the buffer.
/// </summary>
/// <typeparam name="TContract">The record the JSON is documented as.</typeparam>
internal sealed class JsonBody<TContract> : IEndpointParameterMetadataProvider, IDisposable
{
    private readonly RequestBody? _body;

    private JsonBody(RequestBody? body, BodyProblem? problem)
    {
        _body = body;
        Problem = problem;
    }

    /// <summary>Why the body was not read (413, 415); null when it was.</summary>
    public BodyProblem? Problem { get; }

    /// <summary>The body's bytes (empty when <see cref="Problem"/> is set).</summary>
    public ReadOnlySpan<byte> Utf8 => _body is null ? default : _body.Span;

    /// <summary>Reads the request's body (the binding ASP.NET Core calls for a handler's parameter).</summary>
    public static async ValueTask<JsonBody<TContract>?> BindAsync(HttpContext context)
    {
        var (body, problem) = await RequestBody.BindAsync(context, npyToo: false).ConfigureAwait(false);
        return new JsonBody<TContract>(body, problem);
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(TContract)));

    public void Dispose() => _body?.Dispose();
}
