using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Kohonen.Server.Api;
using Kohonen.Server.Dashboard;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scalar.AspNetCore;

namespace Kohonen.Server;

/// <summary>The service: <see cref="AddKohonenServer"/> registers it, <see cref="MapKohonenApi(WebApplication)"/> maps its
/// routes, middleware, OpenAPI document (<c>/openapi/v1.json</c>) and reference (<c>/docs</c>).</summary>
public static class KohonenApi
{
    /// <summary>Registers the service's parts: the model holder and its loader, training jobs, caches,
    /// problem details, the rate limiter and OpenAPI.</summary>
    public static IServiceCollection AddKohonenServer(this IServiceCollection services, KohonenServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxRequestBodyBytes is < 1 or > KohonenServerOptions.MaxRequestBodyLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRequestBodyBytes, $"MaxRequestBodyBytes must be in 1..{KohonenServerOptions.MaxRequestBodyLimit}.");
        }

        services.AddSingleton(options);
        services.AddSingleton<ModelHolder>();
        services.AddSingleton<TrainingJobs>();
        services.AddSingleton<MapPictureCache>();
        services.AddSingleton<ColorDemoPictures>();
        services.AddHostedService<ModelLoader>();
        services.AddDashboard();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemDetail.Fill);
        // After the framework's writer, for the requests whose Accept header it declines.
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();
        // A query value that does not bind (width=abc, seed=2147483648) is thrown, so that the problem
        // writer can say which value and what is allowed; otherwise it is an empty 400.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(json =>
        {
            // The Python originals' snake_case names, in answers and in the OpenAPI schemas alike.
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
            // Messages quote names with ' and use × and …: keep them readable (the answers are JSON, never HTML).
            json.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
        if (options.RateLimitPerSecond > 0)
        {
            services.AddPerClientRateLimit(options.RateLimitPerSecond);
        }

        services.AddOpenApi("v1", openApi => OpenApiDocs.Configure(openApi));
        return services;
    }

    /// <summary>At most <paramref name="perSecond"/> requests a second from one client (by IP address);
    /// above that 429 with <c>Retry-After: 1</c>.</summary>
    private static void AddPerClientRateLimit(this IServiceCollection services, int perSecond) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                // /health is for the orchestrator's probes: never limited, so a busy client cannot make the
                // service look dead.
                context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
                    ? RateLimitPartition.GetNoLimiter("health")
                    : RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = perSecond,
                        Window = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await Problems.Busy($"More than {perSecond} requests a second from this client; wait a second.")
                    .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
        });

    /// <summary>Maps the middleware (<see cref="UseKohonenApi"/>) and every route (<see cref="MapKohonenApi(IEndpointRouteBuilder)"/>).</summary>
    public static WebApplication MapKohonenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseKohonenApi();
        ((IEndpointRouteBuilder)app).MapKohonenApi();
        return app;
    }

    /// <summary>The middleware: problem details for exceptions and empty error answers, and the rate limiter when configured.</summary>
    public static IApplicationBuilder UseKohonenApi(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<KohonenServerOptions>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                // The store is full, read-only, damaged or locked: the service is unavailable, and says why.
                TrackingStoreException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            // A request that does not bind is the client's mistake, answered with a detail: not an
            // error with a stack trace in the service's log.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            // Routing answers 415 itself when a route gets another content type: say what it needs.
            var result = http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType
                ? Problems.UnsupportedMediaType(http.Request.ContentType, npyToo: PredictionEndpoints.TakesNpy(http.Request.Path))
                : Results.Problem(statusCode: http.Response.StatusCode, detail: ProblemDetail.ForStatus(http));
            await result.ExecuteAsync(http).ConfigureAwait(false);
        });
        app.Use(static (context, next) =>
        {
            // Every 429 (rate limit, training limit) says when to come back.
            context.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                if (response.StatusCode == StatusCodes.Status429TooManyRequests && !response.Headers.ContainsKey("Retry-After"))
                {
                    response.Headers.RetryAfter = "1";
                }

                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
        if (options.RateLimitPerSecond > 0)
        {
            app.UseRateLimiter();
        }

        return app;
    }

    /// <summary>Every route, the OpenAPI document and the reference at /docs.</summary>
    public static IEndpointRouteBuilder MapKohonenApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapApiReference();
        app.MapPredictionEndpoints();
        app.MapModelEndpoints();
        app.MapDemoEndpoints();
        app.MapPictureEndpoints();
        app.MapTrainingEndpoints();
        app.MapDashboard();
        return app;
    }

    /// <summary>The OpenAPI document at /openapi/v1.json and its reference at /docs (the dashboard is at /).</summary>
    private static void MapApiReference(this IEndpointRouteBuilder app)
    {
        // The one document, v1: another name is an unknown route, answered as a problem (not a text 404).
        app.MapOpenApi("/openapi/{documentName}.json").AddEndpointFilter(static async (context, next) =>
            context.HttpContext.GetRouteValue("documentName") is "v1"
                ? await next(context).ConfigureAwait(false)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: ProblemDetail.ForStatus(context.HttpContext, StatusCodes.Status404NotFound)));
        // The reference of this service alone: no third-party AI chat, MCP, SDK or deploy buttons, no
        // telemetry, and no fonts fetched from a CDN (it works offline).
        app.MapScalarApiReference("/docs", scalar => scalar
            .WithTitle("Kohonen for .NET: HTTP API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .DisableDefaultFonts()
            .HideClientButton()
            .HideDeveloperTools());
    }
}
