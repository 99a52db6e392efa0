using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kohonen.Server.Api;

/// <summary>A request body read whole into a pooled buffer, within the configured limit. Return it with
/// <see cref="Dispose"/>.</summary>
internal sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>The body's bytes as a segment of the pooled buffer (for a stream over them).</summary>
    public ArraySegment<byte> Segment => new(_buffer ?? [], 0, Length);

    /// <summary>The media type of a NumPy <c>.npy</c> file, as NumPy-speaking services name it.</summary>
    public const string NpyMediaType = "application/x-npy";

    /// <summary>Whether the body is a <c>.npy</c> file (<see cref="NpyMediaType"/>) rather than JSON.</summary>
    public bool IsNpy { get; private init; }

    /// <summary>The binding of a handler's body parameter: nothing read when the route will refuse the
    /// caller (401, 403, before the handler runs), else <see cref="ReadAsync"/> within
    /// <see cref="KohonenServerOptions.MaxRequestBodyBytes"/>.</summary>
    public static async ValueTask<(RequestBody? Body, BodyProblem? Error)> BindAsync(HttpContext context, bool npyToo)
    {
        if (OperatorAccess.IsRefused(context))
        {
            return (null, null);
        }

        var limit = context.RequestServices.GetRequiredService<KohonenServerOptions>().MaxRequestBodyBytes;
        return await ReadAsync(context, limit, npyToo).ConfigureAwait(false);
    }

    /// <summary>Reads a JSON body (or, when <paramref name="npyToo"/>, a <c>.npy</c> file): 415 for
    /// another content type, 413 over the limit.</summary>
    public static async Task<(RequestBody? Body, BodyProblem? Error)> ReadAsync(HttpContext context, long limit, bool npyToo = false)
    {
        var isNpy = npyToo && IsNpyContentType(context.Request.ContentType);
        if (!isNpy && !context.Request.HasJsonContentType())
        {
            return (null, Problems.UnsupportedMediaType(context.Request.ContentType, npyToo));
        }

        var declared = context.Request.ContentLength;
        if (declared > limit)
        {
            return (null, Problems.TooLarge(limit));
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 4096, 256, limit + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, Problems.TooLarge(limit));
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, Problems.TooLarge(limit));
        }

        return (new RequestBody(buffer, length) { IsNpy = isNpy }, null);
    }

    /// <summary>Whether a Content-Type names <see cref="NpyMediaType"/> (parameters allowed).</summary>
    public static bool IsNpyContentType(string? contentType) =>
        contentType is not null
        && contentType.AsSpan().Trim().StartsWith(NpyMediaType, StringComparison.OrdinalIgnoreCase)
        && (contentType.AsSpan().Trim().Length == NpyMediaType.Length || contentType.AsSpan().Trim()[NpyMediaType.Length] is ';' or ' ');

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
