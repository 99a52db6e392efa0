using System.Text.RegularExpressions;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Kohonen.Server.Api;

/// <summary>The served model and the store's runs: health, model info, weights, the runs ranked, and
/// switching the served model. The handlers' XML docs are the OpenAPI document's summaries, descriptions
/// (remarks) and response descriptions.</summary>
internal static partial class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var model = app.MapGroup("").WithTags("Model");
        model.MapGet("/health", Health);
        model.MapGet("/model-info", ModelInfo);
        model.MapGet("/weights/{x:int}/{y:int}", Weights);
        model.MapGet("/models", ModelsAsync);
        model.MapPost("/models/{run_id}/activate", ActivateAsync).RequireOperator();
        return app;
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex RunIdPattern();

    [GeneratedRegex("^[0-9a-f]{6,32}$")]
    private static partial Regex RunIdOrPrefixPattern();

    /// <summary>Run ids are 32 lower-case hex digits; anything else is not a run (and never reaches the store).</summary>
    public static bool IsRunId(string id) => RunIdPattern().IsMatch(id);

    /// <summary>A run id or a prefix of one that people may type (6 to 32 lower-case hex digits).</summary>
    public static bool IsRunIdOrPrefix(string id) => RunIdOrPrefixPattern().IsMatch(id);

    /// <summary>Whether a model is loaded.</summary>
    /// <remarks>200 with status "healthy" when a model is served; 503 with status "unhealthy" and the reason otherwise.</remarks>
    /// <response code="200">A model is served: status "healthy" and its run.</response>
    /// <response code="503">No model is served: status "unhealthy" and why.</response>
    public static Results<Ok<HealthResponse>, Unavailable<HealthResponse>> Health(ModelHolder holder) => holder.Current is { } served
        ? TypedResults.Ok(new HealthResponse("healthy", true, served.Run.Info.RunId, null, served.Reason))
        : new Unavailable<HealthResponse>(new HealthResponse("unhealthy", false, null, holder.Problem));

    /// <summary>The served model: grid, features, run and metrics.</summary>
    /// <response code="200">The grid, the features in the order vectors give them, the scaling, the distance, the run and its latest metrics.</response>
    /// <response code="503">No model is served; the detail says why.</response>
    public static Results<Ok<ModelInfoResponse>, NoModelProblem> ModelInfo(ModelHolder holder)
    {
        if (holder.Current is not { } served)
        {
            return Problems.NoModel(holder.Problem);
        }

        var m = served.Model;
        return TypedResults.Ok(new ModelInfoResponse(
            m.Width, m.Height, m.Dimension, OptionText.ToText(m.Grid.Topology), m.Grid.Toroidal, m.FeatureNames,
            OptionText.ToText(m.Scaler?.Kind ?? Kohonen.Scaling.None), OptionText.ToText(m.Distance),
            served.Run.Info.RunId, served.Run.Info.RunName, served.ExperimentName,
            served.Run.LatestValues()));
    }

    /// <summary>A node's weights, in the features' units.</summary>
    /// <remarks>x is the column (0 = left), y the row (0 = top); the model's scaling is undone.</remarks>
    /// <response code="200">The node's weights, one per feature.</response>
    /// <response code="404">The node is not on the map; the detail gives the ranges.</response>
    /// <response code="503">No model is served; the detail says why.</response>
    public static Results<Ok<WeightsResponse>, NotFoundProblem, NoModelProblem> Weights(int x, int y, ModelHolder holder)
    {
        if (holder.Current is not { } served)
        {
            return Problems.NoModel(holder.Problem);
        }

        var m = served.Model;
        if (x < 0 || x >= m.Width || y < 0 || y >= m.Height)
        {
            return Problems.NotFound($"Node ({x}, {y}) is not on the {m.Width}×{m.Height} map: x is in 0..{m.Width - 1}, y in 0..{m.Height - 1}.");
        }

        var weights = m.GetWeights(x, y);
        if (m.Scaler is { } scaler)
        {
            var units = new float[weights.Length];
            scaler.InverseTransform(weights, units);
            weights = units;
        }

        return TypedResults.Ok(new WeightsResponse(x, y, m.FeatureNames, weights));
    }

    /// <summary>Finished runs with their metrics, best first.</summary>
    /// <remarks>The finished runs comparable with the served one (the same data and features), ranked as the choice of the best run ranks them: by the selection metric (SOM_METRIC_KEY, lowest first unless SOM_METRIC_ASCENDING=false), or by data_quantization_error when the quantization error's units differ between them (scaling, encoding or distance; metric_key says which); runs without it come last. max_results: 1..1000, default 100.</remarks>
    /// <response code="200">The runs, best first; the one served is marked active.</response>
    /// <response code="400">max_results is not a number in 1..1000.</response>
    public static async Task<Results<Ok<ModelsResponse>, BadRequestProblem>> ModelsAsync(
        [FromQuery(Name = "max_results")] int? maxResults, KohonenServerOptions options, ModelHolder holder, CancellationToken cancellationToken)
    {
        var count = maxResults ?? 100;
        if (count is < 1 or > 1000)
        {
            return Problems.BadRequest($"max_results must be in 1..1000; got {count}.");
        }

        var rules = options.Selection;
        var runs = await options.Store.SearchRunsAsync(new RunQuery
        {
            Status = RunStatus.Finished,
            OrderByMetric = rules.MetricKey,
            Ascending = rules.Ascending,
            MaxResults = 10_000,
        }, cancellationToken).ConfigureAwait(false);
        var served = holder.Current;
        var active = served?.Run.Info.RunId;
        // Ranked only against the served run's comparable runs (same data and features).
        var reference = served is null ? null : RunProfile.Of(served.Run);
        var comparable = runs.Where(r => reference is null || RunProfile.Of(r).IsComparableWith(reference)).ToList();
        var metric = reference is null ? rules.MetricKey : ModelSelector.RankingMetric(comparable.Select(RunProfile.Of), rules.MetricKey);
        IEnumerable<Run> ranked = metric == rules.MetricKey
            ? comparable
            : comparable.OrderBy(r => r.Metrics.TryGetValue(metric, out var m) && !double.IsNaN(m.Value) ? 0 : 1)
                .ThenBy(r => r.Metrics.TryGetValue(metric, out var m) && !double.IsNaN(m.Value) ? (rules.Ascending ? m.Value : -m.Value) : 0);
        return TypedResults.Ok(new ModelsResponse(metric, rules.Ascending, [.. ranked.Take(count).Select(r => Summary(r, r.Info.RunId == active))], active, served?.Reason));
    }

    private static RunSummary Summary(Run run, bool active) => new(
        run.Info.RunId,
        run.Info.RunName,
        run.Info.ExperimentId,
        run.Info.Status.ToName(),
        run.Info.StartedAt,
        run.Info.EndedAt,
        run.Params,
        run.LatestValues(),
        active);

    /// <summary>Serve another run's model, without a restart.</summary>
    /// <remarks>The switch is atomic: requests in flight finish on the old model. Needs the API key (X-Api-Key) when one is set; from this machine only otherwise.</remarks>
    /// <response code="200">The run's model is served from now on.</response>
    /// <response code="401">The server has an API key and the request did not give it.</response>
    /// <response code="403">The key is wrong, or (no key configured) the request came from another machine.</response>
    /// <response code="404">There is no run with that id (or unique prefix of 6 or more characters).</response>
    /// <response code="409">The prefix names several runs (they are listed), the run did not finish, so it has no model to serve, or its model file is missing or damaged (the detail says why).</response>
    public static async Task<Results<Ok<ActivateResponse>, NotFoundProblem, ConflictProblem>> ActivateAsync(
        [FromRoute(Name = "run_id")] string runId, KohonenServerOptions options, ModelHolder holder, CancellationToken cancellationToken)
    {
        Run? run;
        try
        {
            run = await FindRunAsync(options.Store, runId, cancellationToken).ConfigureAwait(false);
        }
        catch (AmbiguousRunIdException e)
        {
            return Problems.Conflict(e.Message);
        }

        if (run is null)
        {
            return NoRun(runId);
        }

        if (Unfinished(run, "serve") is { } unfinished)
        {
            return unfinished;
        }

        ServedModel served;
        try
        {
            served = await ModelLoading.LoadAsync(options.Store, run, cancellationToken, "activated through POST /models/{id}/activate").ConfigureAwait(false);
        }
        catch (UnusableModelException e)
        {
            return Problems.Conflict($"The model of {e.Message} The served model is unchanged.");
        }

        holder.Serve(served);
        return TypedResults.Ok(new ActivateResponse(run.Info.RunId, run.Info.RunName, served.Model.Width, served.Model.Height, served.Model.Dimension));
    }

    /// <summary>The run with this id or unique prefix (6 or more characters); null when there is none,
    /// or when the id is malformed (it never reaches the store then).</summary>
    /// <exception cref="AmbiguousRunIdException">Several runs' ids start with the prefix.</exception>
    public static async Task<Run?> FindRunAsync(ITrackingStore store, string runId, CancellationToken cancellationToken)
    {
        if (!IsRunIdOrPrefix(runId))
        {
            return null;
        }

        try
        {
            var id = await RunIds.ResolveAsync(store, runId, cancellationToken).ConfigureAwait(false);
            return await store.GetRunAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (RunNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The 404 for a run <see cref="FindRunAsync"/> did not find: a malformed id or an unknown run.</summary>
    public static NotFoundProblem NoRun(string runId) => IsRunIdOrPrefix(runId)
        ? Problems.NotFound($"No run has the id '{runId}'.")
        : Problems.NotFound($"'{runId}' is not a run id (32 hexadecimal digits, or the first 6 or more of them).");

    /// <summary>The 409 for a run that did not finish (only a FINISHED run has a model to
    /// <paramref name="purpose"/>); null for a finished run.</summary>
    public static ConflictProblem? Unfinished(Run run, string purpose) => run.Info.Status == RunStatus.Finished
        ? null
        : Problems.Conflict($"Run {run.Info.RunId} is {run.Info.Status.ToName()}; only a FINISHED run has a model to {purpose}.");
}
