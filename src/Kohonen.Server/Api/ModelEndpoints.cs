using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Kohonen.Imaging;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Http;

namespace Kohonen.Server.Api;

/// <summary>The served model and the store's runs: health, model info, weights, the runs ranked, their
/// pictures, and switching the served model.</summary>
internal static partial class ModelEndpoints
{
    /// <summary>The pictures <c>GET /maps/{run_id}/{kind}.png</c> serves.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["rgb", "umatrix", "planes", "hits"];

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex RunIdPattern();

    /// <summary>Run ids are 32 lower-case hex digits; anything else is not a run (and never reaches the store).</summary>
    public static bool IsRunId(string id) => RunIdPattern().IsMatch(id);

    public static IResult Health(ModelHolder holder) => holder.Current is { } served
        ? TypedResults.Ok(new HealthResponse("healthy", true, served.Run.Info.RunId, null, served.Reason))
        : TypedResults.Json(new HealthResponse("unhealthy", false, null, holder.Problem), ApiJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);

    public static IResult ModelInfo(ModelHolder holder)
    {
        if (holder.Current is not { } served)
        {
            return Problems.NoModel(holder.Problem);
        }

        var m = served.Model;
        return TypedResults.Ok(new ModelInfoResponse(
            m.Width, m.Height, m.Dimension, OptionText.ToText(m.Grid.Topology), m.Grid.Toroidal, m.FeatureNames,
            OptionText.ToText(m.Scaler?.Kind ?? Kohonen.Scaling.None),
            served.Run.Info.RunId, served.Run.Info.RunName, served.ExperimentName,
            served.Run.LatestValues()));
    }

    public static IResult Weights(int x, int y, ModelHolder holder)
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

    public static async Task<IResult> ModelsAsync(int? maxResults, KohonenServerOptions options, ModelHolder holder, CancellationToken cancellationToken)
    {
        var count = maxResults ?? 100;
        if (count is < 1 or > 1000)
        {
            return Problems.BadRequest($"max_results must be in 1..1000; got {count}.");
        }

        var rules = options.Selection;
        var experiment = rules.ExperimentName is { } name ? await options.Store.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false) : null;
        var runs = await options.Store.SearchRunsAsync(new RunQuery
        {
            ExperimentIds = experiment is null ? null : [experiment.ExperimentId],
            Status = RunStatus.Finished,
            OrderByMetric = rules.MetricKey,
            Ascending = rules.Ascending,
            MaxResults = 10_000,
        }, cancellationToken).ConfigureAwait(false);
        var served = holder.Current;
        var active = served?.Run.Info.RunId;
        // Ranked only against the served run's comparable runs (same data and features).
        var reference = served is null ? null : RunProfile.Of(served.Run);
        var ranked = runs.Where(r => reference is null || RunProfile.Of(r).IsComparableWith(reference)).Take(count);
        return TypedResults.Ok(new ModelsResponse(rules.MetricKey, rules.Ascending, [.. ranked.Select(r => Summary(r, r.Info.RunId == active))], active, served?.Reason));
    }

    public static RunSummary Summary(Run run, bool active) => new(
        run.Info.RunId,
        run.Info.RunName,
        run.Info.ExperimentId,
        run.Info.Status.ToName(),
        run.Info.StartedAt,
        run.Info.EndedAt,
        run.Params,
        run.LatestValues(),
        active);

    public static async Task<IResult> ActivateAsync(string runId, KohonenServerOptions options, ModelHolder holder, CancellationToken cancellationToken)
    {
        var (run, problem) = await FinishedRunAsync(options.Store, runId, "serve", cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return problem!;
        }

        var served = await ModelLoading.LoadAsync(options.Store, run, cancellationToken, "activated through POST /models/{id}/activate").ConfigureAwait(false);
        holder.Serve(served);
        return TypedResults.Ok(new ActivateResponse(run.Info.RunId, run.Info.RunName, served.Model.Width, served.Model.Height, served.Model.Dimension));
    }

    /// <summary>The FINISHED run with this id or unique prefix (6+ characters), or the problem to answer:
    /// 404 for a malformed or unknown id, 409 for an ambiguous prefix (listing the matches) or a run that
    /// did not finish.</summary>
    public static async Task<(Run? Run, IResult? Problem)> FinishedRunAsync(ITrackingStore store, string runId, string purpose, CancellationToken cancellationToken)
    {
        Run run;
        try
        {
            run = await store.GetRunAsync(await RunIds.ResolveAsync(store, runId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (RunNotFoundException)
        {
            return (null, Problems.NotFound($"No run has the id '{runId}'."));
        }
        catch (AmbiguousRunIdException e)
        {
            return (null, Problems.Conflict(e.Message));
        }
        catch (TrackingException e)
        {
            return (null, Problems.NotFound(e.Message));
        }

        return run.Info.Status == RunStatus.Finished
            ? (run, null)
            : (null, Problems.Conflict($"Run {runId} is {run.Info.Status.ToName()}; only a FINISHED run has a model to {purpose}."));
    }
}

/// <summary>The pictures of runs, drawn once per run and kind (a run's model never changes); the
/// <see cref="Capacity"/> most recently drawn are kept.</summary>
internal sealed class MapPictureCache(KohonenServerOptions options, int capacity = MapPictureCache.Capacity)
{
    /// <summary>Pictures kept at most by default (the oldest drawn go first).</summary>
    public const int Capacity = 256;

    private readonly ConcurrentDictionary<(string RunId, string Kind), Lazy<Task<byte[]?>>> _pictures = new();
    private readonly ConcurrentQueue<(string RunId, string Kind)> _order = new();

    /// <summary>Pictures held now.</summary>
    internal int Count => _pictures.Count;

    public async Task<IResult> GetAsync(string runId, string kind, CancellationToken cancellationToken)
    {
        if (!ModelEndpoints.Kinds.Contains(kind))
        {
            return Problems.NotFound($"There is no picture '{kind}.png'; the kinds are {string.Join(", ", ModelEndpoints.Kinds)}.");
        }

        var (run, problem) = await ModelEndpoints.FinishedRunAsync(options.Store, runId, "draw", cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return problem!;
        }

        runId = run.Info.RunId;

        var lazy = _pictures.GetOrAdd((runId, kind), key =>
        {
            _order.Enqueue(key);
            return new Lazy<Task<byte[]?>>(() => DrawAsync(key.RunId, key.Kind));
        });
        while (_pictures.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _pictures.TryRemove(oldest, out _);
        }

        byte[]? png;
        try
        {
            png = await lazy.Value.ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            _pictures.TryRemove((runId, kind), out _);
            return Problems.BadRequest(e.Message);
        }

        if (png is null)
        {
            _pictures.TryRemove((runId, kind), out _);
            return Problems.NotFound($"Run {runId} has no hit map: the hits need the training data, which the run kept no picture of (runs recorded by this version keep pictures/hits.png).");
        }

        return Results.File(png, "image/png");
    }

    private async Task<byte[]?> DrawAsync(string runId, string kind)
    {
        var store = options.Store;
        if (kind == "hits")
        {
            var artifacts = await store.ListArtifactsAsync(runId, CancellationToken.None).ConfigureAwait(false);
            return artifacts.Contains("pictures/hits.png")
                ? await store.ReadArtifactAsync(runId, "pictures/hits.png", CancellationToken.None).ConfigureAwait(false)
                : null;
        }

        var run = await store.GetRunAsync(runId, CancellationToken.None).ConfigureAwait(false);
        SomModel model = (await ModelLoading.LoadAsync(store, run, CancellationToken.None).ConfigureAwait(false)).Model;
        return kind switch
        {
            "rgb" => MapPictures.RgbMap(model),
            "umatrix" => MapPictures.UMatrix(model),
            _ => MapPictures.ComponentPlanes(model),
        };
    }
}
