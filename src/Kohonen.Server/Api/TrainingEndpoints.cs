using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Http;

namespace Kohonen.Server.Api;

/// <summary><c>POST /train</c>, <c>GET /runs/{id}</c>, <c>GET /runs/{id}/events</c>, <c>DELETE /runs/{id}</c>.</summary>
internal static class TrainingEndpoints
{
    public static async Task<IResult> TrainAsync(HttpContext context, KohonenServerOptions options, TrainingJobs jobs)
    {
        var (body, error) = await RequestBody.ReadJsonAsync(context, options.MaxRequestBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        TrainRequest request;
        using (body)
        {
            try
            {
                request = JsonSerializer.Deserialize(body!.Span, ApiJsonContext.Default.TrainRequest)
                    ?? throw new JsonException("The body is null.");
            }
            catch (JsonException e)
            {
                return Problems.BadRequest($"The body is not a valid training request: {e.Message}");
            }
        }

        var (somOptions, data, problem) = Prepare(request, options);
        if (problem is not null)
        {
            return Problems.BadRequest(problem);
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["data_file"] = request.DataFile ?? "inline",
            ["data_rows"] = data!.Rows.ToString(CultureInfo.InvariantCulture),
            ["data_columns"] = data.Columns.ToString(CultureInfo.InvariantCulture),
            ["trained_by"] = "POST /train",
        };
        var job = await jobs.StartAsync(somOptions!, data, request.RunName ?? "api", request.Activate, tags).ConfigureAwait(false);
        if (job is null)
        {
            return Problems.Busy($"A training is already running; at most {options.MaxConcurrentTrainings} at a time. Try again when it has finished (GET /runs/{{id}}).");
        }

        return TypedResults.Accepted($"/runs/{job.RunId}", Status(job, null));
    }

    /// <summary>The options and data of a request, or why they cannot be used.</summary>
    private static (SomOptions? Options, DataMatrix? Data, string? Problem) Prepare(TrainRequest request, KohonenServerOptions limits)
    {
        if ((long)request.Width * request.Height > limits.MaxTrainingNodes)
        {
            return (null, null, $"width × height is {(long)request.Width * request.Height}; at most {limits.MaxTrainingNodes} nodes are allowed.");
        }

        if (request.Iterations > limits.MaxTrainingIterations)
        {
            return (null, null, $"iterations is {request.Iterations}; at most {limits.MaxTrainingIterations} are allowed.");
        }

        DataMatrix data;
        try
        {
            if ((request.Data is null) == (request.DataFile is null))
            {
                return (null, null, "Give the training data as \"data\" (rows of numbers) or as \"data_file\" (a file in the server's training-data folder), not both or neither.");
            }

            if (request.Data is { } rows)
            {
                if (rows.Count == 0 || rows[0].Count == 0)
                {
                    return (null, null, "\"data\" is empty.");
                }

                if ((long)rows.Count * rows[0].Count > limits.MaxTrainingValues)
                {
                    return (null, null, $"\"data\" has {(long)rows.Count * rows[0].Count} values; at most {limits.MaxTrainingValues} are allowed.");
                }

                var ragged = rows.Select((r, i) => (r, i)).FirstOrDefault(x => x.r.Count != rows[0].Count);
                if (ragged.r is not null)
                {
                    return (null, null, $"data[{ragged.i}] has {ragged.r.Count} values; data[0] has {rows[0].Count}. Every row needs the same number.");
                }

                if (request.FeatureNames is { } names && names.Count != rows[0].Count)
                {
                    return (null, null, $"\"feature_names\" has {names.Count} names; the rows have {rows[0].Count} values.");
                }

                data = DataMatrix.FromRows([.. rows.Select(r => r.ToArray())], request.FeatureNames);
            }
            else
            {
                if (ResolveDataFile(request.DataFile!, limits) is not { } path)
                {
                    return (null, null, limits.TrainingDataDirectory is null
                        ? "This server reads no data files (no training-data folder is configured); send the rows as \"data\"."
                        : $"\"data_file\" must name a file inside the server's training-data folder, such as \"colors.csv\"; '{request.DataFile}' is not one.");
                }

                if (!TrainingDataFile.IsKnown(path))
                {
                    return (null, null, $"\"data_file\" '{request.DataFile}' has an unknown extension; allowed: {TrainingDataFile.Allowed}.");
                }

                data = TrainingDataFile.Read(path).Data;
                if ((long)data.Rows * data.Columns > limits.MaxTrainingValues)
                {
                    return (null, null, $"'{request.DataFile}' has {(long)data.Rows * data.Columns} values; at most {limits.MaxTrainingValues} are allowed.");
                }
            }

            data.EnsureFinite();
            var options = new SomOptions
            {
                Width = request.Width,
                Height = request.Height,
                Iterations = request.Iterations,
                Algorithm = request.Algorithm is null ? SomOptions.Default.Algorithm : OptionText.Parse<TrainingAlgorithm>(request.Algorithm, "algorithm"),
                Topology = request.Topology is null ? SomOptions.Default.Topology : OptionText.Parse<Topology>(request.Topology, "topology"),
                Toroidal = request.Toroidal,
                Neighborhood = request.Neighborhood is null ? SomOptions.Default.Neighborhood : OptionText.Parse<Neighborhood>(request.Neighborhood, "neighborhood"),
                LearningRate = request.LearningRate,
                Sigma = request.Sigma,
                Scaling = request.Scaling is null ? SomOptions.Default.Scaling : OptionText.Parse<Scaling>(request.Scaling, "scaling"),
                Seed = request.Seed ?? Random.Shared.Next(),
            };
            options.Validate();
            return (options, data, null);
        }
        catch (Exception e) when (e is DataFormatException or ArgumentException)
        {
            // SomOptionsException and OptionText's refusals carry messages without a C# parameter name.
            return (null, null, e.Message);
        }
    }

    /// <summary>The file a request names, when it is a plain name (or relative path) inside the
    /// training-data folder; null otherwise. Nothing outside the folder can be named.</summary>
    private static string? ResolveDataFile(string name, KohonenServerOptions limits)
    {
        if (limits.TrainingDataDirectory is not { } folder || name.Length == 0 || Path.IsPathRooted(name) || name.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, name));
        return full.StartsWith(root, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    public static async Task<IResult> GetRunAsync(string runId, KohonenServerOptions options, TrainingJobs jobs, CancellationToken cancellationToken)
    {
        if (!ModelEndpoints.IsRunId(runId))
        {
            return Problems.NotFound($"'{runId}' is not a run id (32 hexadecimal digits).");
        }

        try
        {
            var run = await options.Store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(Status(jobs.Find(runId), run) with { RunId = runId });
        }
        catch (RunNotFoundException)
        {
            return Problems.NotFound($"No run has the id '{runId}'.");
        }
    }

    public static IResult Events(string runId, TrainingJobs jobs, CancellationToken cancellationToken)
    {
        if (!ModelEndpoints.IsRunId(runId) || jobs.Find(runId) is not { } job)
        {
            return Problems.NotFound($"No training started by this server has the run id '{runId}'.");
        }

        return TypedResults.ServerSentEvents(Follow(job, cancellationToken));
    }

    /// <summary>A "progress" event whenever the training has moved on (checked every 200 ms), then one
    /// "end" event with the final status.</summary>
    private static async IAsyncEnumerable<SseItem<TrainingStatus>> Follow(TrainingJob job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = -1;
        while (true)
        {
            var done = job.Completion.IsCompleted;
            var progress = job.Progress;
            if (progress is not null && progress.Iteration != last)
            {
                last = progress.Iteration;
                yield return new SseItem<TrainingStatus>(Status(job, null), "progress");
            }

            if (done)
            {
                yield return new SseItem<TrainingStatus>(Status(job, null), "end");
                yield break;
            }

            try
            {
                await Task.WhenAny(job.Completion, Task.Delay(200, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
        }
    }

    public static IResult Cancel(string runId, TrainingJobs jobs)
    {
        if (!ModelEndpoints.IsRunId(runId) || jobs.Find(runId) is not { } job)
        {
            return Problems.NotFound($"No training started by this server has the run id '{runId}'.");
        }

        if (job.Completion.IsCompleted)
        {
            return Problems.Conflict($"The training of run {runId} has already ended ({job.Status.ToName()}).");
        }

        job.Cancellation.Cancel();
        return TypedResults.Accepted($"/runs/{runId}", Status(job, null));
    }

    private static TrainingStatus Status(TrainingJob? job, Run? run)
    {
        var progress = job?.Progress is { } p
            ? new TrainingProgressView(p.Iteration, p.TotalIterations, (double)p.Iteration / p.TotalIterations, p.Sigma,
                double.IsNaN(p.LearningRate) ? null : p.LearningRate, p.Elapsed.TotalSeconds, p.QuantizationError)
            : null;
        var runId = job?.RunId ?? run!.Info.RunId;
        // A job's own status is newer than the store's while the job is finishing.
        var status = (job is not null && job.Status != RunStatus.Running ? job.Status : run?.Info.Status ?? job!.Status).ToName();
        return new TrainingStatus(
            runId,
            status,
            progress,
            run?.LatestValues() ?? new Dictionary<string, double>(),
            run?.Params ?? new Dictionary<string, string>(),
            job?.Error,
            $"/runs/{runId}/events");
    }
}
