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
    /// <summary>Refuses the route to callers that are not the operator (401 without the key, 403 with a
    /// wrong one or from another machine), and says so in the OpenAPI document.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(CheckAsync);
        builder.Add(endpoint =>
        {
            Problems.Describe(endpoint, StatusCodes.Status401Unauthorized);
            Problems.Describe(endpoint, StatusCodes.Status403Forbidden);
        });
        return builder;
    }

    private static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
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

        return await next(context).ConfigureAwait(false);
    }
}
