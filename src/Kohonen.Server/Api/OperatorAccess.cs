using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kohonen.Server.Api;

/// <summary>The operator routes (training, activation, cancellation): the API key in <c>X-Api-Key</c> when
/// one is set (compared in constant time); otherwise only clients on this machine.</summary>
internal static class OperatorAccess
{
    private static readonly OperatorRoute Marker = new();

    /// <summary>Refuses the route to callers that are not the operator (401 without the key, 403 with a
    /// wrong one or from another machine), and says so in the OpenAPI document.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(CheckAsync);
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(Marker);
            Problems.Describe(endpoint, StatusCodes.Status401Unauthorized);
            Problems.Describe(endpoint, StatusCodes.Status403Forbidden);
        });
        return builder;
    }

    /// <summary>Whether the request is for an operator route from a caller that is not the operator: its
    /// body is then not read at all (the route's filter answers 401 or 403), so no one without the key
    /// makes the service read a body.</summary>
    public static bool IsRefused(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<OperatorRoute>() is not null && Refusal(http) is not null;

    private static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Refusal(context.HttpContext) ?? await next(context).ConfigureAwait(false);

    /// <summary>Why the caller is not the operator, or null when it is.</summary>
    private static IResult? Refusal(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<KohonenServerOptions>();
        if (options.ApiKey is { } key)
        {
            var given = http.Request.Headers["X-Api-Key"].ToString();
            if (given.Length == 0)
            {
                return Problems.Unauthorized("This route needs the API key in the X-Api-Key header.");
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key)))
            {
                return Problems.Forbidden("The X-Api-Key header does not hold the API key.");
            }
        }
        else if (http.Connection.RemoteIpAddress is not { } address || !IPAddress.IsLoopback(address))
        {
            return Problems.Forbidden("No API key is configured (KOHONEN_API_KEY), so this route answers only clients on the server's own machine.");
        }

        return null;
    }
}

/// <summary>Marks an operator route (see <see cref="OperatorAccess.RequireOperator"/>).</summary>
internal sealed class OperatorRoute;
