using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Kohonen.Server.Api;
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
        services.AddSingleton<DemoEndpoint>();
        services.AddHostedService<ModelLoader>();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemDetail.Fill);
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
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            // A request that does not bind is the client's mistake, answered with a detail: not an
            // error with a stack trace in the service's log.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            // Routing answers 415 itself when a JSON route gets another content type: say what it needs.
            var result = http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType
                ? Problems.UnsupportedMediaType(http.Request.ContentType)
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
        app.MapDemoRoute();
        app.MapPictureEndpoints();
        app.MapTrainingRoutes();
        return app;
    }

    /// <summary>The OpenAPI document at /openapi/v1.json, its reference at /docs, and / sending there.</summary>
    private static void MapApiReference(this IEndpointRouteBuilder app)
    {
        // The one document, v1: another name is an unknown route, answered as a problem (not a text 404).
        app.MapOpenApi("/openapi/{documentName}.json").AddEndpointFilter(static async (context, next) =>
            context.HttpContext.GetRouteValue("documentName") is "v1"
                ? await next(context).ConfigureAwait(false)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: ProblemDetail.ForStatus(context.HttpContext, StatusCodes.Status404NotFound)));
        app.MapScalarApiReference("/docs", scalar => scalar
            .WithTitle("Kohonen for .NET: HTTP API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription();
    }

    /// <summary><c>GET /kohonen</c>, the colour demo (<see cref="DemoEndpoint"/>), among the pictures.</summary>
    private static void MapDemoRoute(this IEndpointRouteBuilder app) =>
        app.MapGroup("").WithTags(PictureEndpoints.Tag)
            .MapGet("/kohonen", async (int? input_size, int? width, int? height, int? iterations, int? seed, DemoEndpoint demo, CancellationToken ct) =>
                await demo.GetAsync(input_size, width, height, iterations, seed, ct))
            .WithSummary("Train the colour demo and return its picture (PNG).")
            .WithDescription("input_size random colours (1..1000, default 20) on a width × height map (1..200, default 100) for iterations (1..10000, default 1000); input_size × iterations × width × height at most 2·10⁹. With seed the picture is repeatable (and remembered).")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png").ProducesProblem(StatusCodes.Status400BadRequest);

    /// <summary>The training routes (<see cref="TrainingEndpoints"/>): start, follow and cancel trainings.</summary>
    private static void MapTrainingRoutes(this IEndpointRouteBuilder app)
    {
        var training = app.MapGroup("").WithTags("Training");
        training.MapPost("/train", TrainingEndpoints.TrainAsync)
            .WithSummary("Start a training; 202 with the run's address.")
            .WithDescription("Options and data (inline rows, or a file in the server's training-data folder). Bounded grid, iterations and rows; at most KOHONEN_MAX_TRAININGS at once (429 otherwise). Needs the API key when one is set; from this machine only otherwise.")
            .RequireOperator()
            .Accepts<TrainRequest>("application/json")
            .Produces<TrainingStatus>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithMetadata(new ApiExample("""{"width": 20, "height": 20, "iterations": 200, "seed": 1, "data": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "feature_names": ["red", "green", "blue"], "activate": true}""", null));
        training.MapGet("/runs/{run_id}", async (string run_id, KohonenServerOptions o, TrainingJobs jobs, CancellationToken ct) => await TrainingEndpoints.GetRunAsync(run_id, o, jobs, ct))
            .WithSummary("A run's status, progress (while this server trains it), metrics and params.")
            .Produces<TrainingStatus>().ProducesProblem(StatusCodes.Status404NotFound);
        training.MapGet("/runs/{run_id}/events", (string run_id, TrainingJobs jobs, CancellationToken ct) => TrainingEndpoints.Events(run_id, jobs, ct))
            .WithSummary("A training's progress as server-sent events (\"progress\", then one \"end\").")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
        training.MapDelete("/runs/{run_id}", (string run_id, TrainingJobs jobs) => TrainingEndpoints.Cancel(run_id, jobs))
            .WithSummary("Cancel a training; its run ends KILLED with the metrics measured so far.")
            .RequireOperator()
            .Produces<TrainingStatus>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
