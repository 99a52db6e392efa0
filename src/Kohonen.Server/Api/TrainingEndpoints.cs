using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Kohonen.Server.Api;

/// <summary><c>POST /train</c>, <c>GET /runs/{id}</c>, <c>GET /runs/{id}/events</c>, <c>DELETE /runs/{id}</c>:
/// start, follow and cancel trainings (<see cref="TrainingJobs"/>). The handlers' XML docs are the OpenAPI
/// document's summaries, descriptions (remarks) and response descriptions.</summary>
internal static class TrainingEndpoints
{
    public static IEndpointRouteBuilder MapTrainingEndpoints(this IEndpointRouteBuilder app)
    {
        var training = app.MapGroup("").WithTags("Training");
        training.MapPost("/train", TrainAsync)
            .RequireOperator()
            .WithMetadata(new ApiExample("""{"width": 20, "height": 20, "iterations": 200, "seed": 1, "data": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "feature_names": ["red", "green", "blue"], "activate": true}""", null));
        training.MapGet("/runs/{run_id}", GetRunAsync);
        training.MapGet("/runs/{run_id}/events", Events);
        training.MapDelete("/runs/{run_id}", CancelAsync).RequireOperator();
        return app;
    }

    /// <summary>Start a training; 202 with the run's address.</summary>
    /// <remarks>Options and data (inline rows, or a file in the server's training-data folder). Bounded grid, iterations and rows; at most KOHONEN_MAX_TRAININGS at once (429 otherwise). Needs the API key when one is set; from this machine only otherwise.</remarks>
    /// <response code="202">The training has started: its run's status; Location is the run's address.</response>
    /// <response code="400">The body is not a valid training request, or its options or data cannot be used; the detail says which and why.</response>
    /// <response code="401">The server has an API key and the request did not give it.</response>
    /// <response code="403">The key is wrong, or (no key configured) the request came from another machine.</response>
    /// <response code="413">The body is larger than the service accepts.</response>
    /// <response code="415">The body is not JSON.</response>
    /// <response code="429">As many trainings as allowed are running; try again when one has finished.</response>
    public static async Task<Results<Accepted<TrainingStatus>, BadRequestProblem, BodyProblem, TooManyRequestsProblem>> TrainAsync(
        JsonBody<TrainRequest> body, KohonenServerOptions options, TrainingJobs jobs)
    {
        TrainRequest request;
        using (body)
        {
            if (body.Problem is { } refused)
            {
                return refused;
            }

            if (UnknownField(body.Utf8) is { } unknown)
            {
                return Problems.BadRequest(unknown);
            }

            try
            {
                request = JsonSerializer.Deserialize(body.Utf8, ApiJsonContext.Default.TrainRequest)
                    ?? throw new JsonException("The body is null.");
            }
            catch (JsonException e) when (e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) && e.LineNumber is not null && e.InnerException is null or InvalidOperationException or FormatException)
            {
                // A value of the wrong type ("width": "five"): named by its field, not by .NET's types.
                return Problems.BadRequest($"\"{path[2..]}\" does not hold the type a training request takes there (a number, text, true or false, or a list of rows); the schema is at /openapi/v1.json.");
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

        var dataFile = request.DataFile is { } name ? ResolveDataFile(name, options) : null;
        // A file's name, size and fingerprint as the command line tags them, so that runs on the same
        // bytes compare whichever way they were trained.
        var tags = dataFile is null
            ? new Dictionary<string, string>(StringComparer.Ordinal) { ["data_file"] = "inline" }
            : DataFileTags.Of(request.DataFile!, [dataFile]);
        tags["data_rows"] = data!.Rows.ToString(CultureInfo.InvariantCulture);
        tags["data_columns"] = data.Columns.ToString(CultureInfo.InvariantCulture);
        tags["trained_by"] = "POST /train";
        tags[DataFileTags.ToolVersionTag] = DataFileTags.ToolVersion;
        var job = await jobs.StartAsync(somOptions!, data, request.RunName ?? "api", request.Activate, tags, dataFile).ConfigureAwait(false);
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
                if (request.Columns is not null)
                {
                    return (null, null, "\"columns\" chooses the feature columns of a \"data_file\"; every value of inline \"data\" rows is a feature.");
                }

                if (IndexOfNull(rows) is { } nullRow)
                {
                    return (null, null, $"data[{nullRow}] is null; every row must be a list of numbers.");
                }

                if (request.FeatureNames is { } given && IndexOfNull(given) is { } nullName)
                {
                    return (null, null, $"feature_names[{nullName}] is null; every feature name must be a string.");
                }

                if (request.FeatureNames?.FirstOrDefault(n => n.Length > SomModel.MaxFeatureNameLength) is { } tooLong)
                {
                    return (null, null, $"feature_names[{request.FeatureNames.ToList().IndexOf(tooLong)}] has {tooLong.Length} characters; at most {SomModel.MaxFeatureNameLength} are allowed.");
                }

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
                        ? "This server reads no data files (no training-data folder is configured: KOHONEN_TRAIN_DATA_DIR); send the rows as \"data\"."
                        : $"\"data_file\" must name a file inside the server's training-data folder, such as \"colors.csv\"; '{request.DataFile}' is not one.");
                }

                if (!TrainingDataFile.IsKnown(path))
                {
                    return (null, null, $"\"data_file\" '{request.DataFile}' has an unknown extension; allowed: {TrainingDataFile.Allowed}.");
                }

                var (readOptions, refused) = ReadOptions(request);
                if (refused is not null)
                {
                    return (null, null, refused);
                }

                if (request.Columns is not null && TrainingDataFile.IsNpy(path))
                {
                    return (null, null, $"\"columns\" chooses columns of a CSV or TSV file; '{request.DataFile}' is a .npy array (all its columns are features).");
                }

                DataMatrix? read;
                try
                {
                    read = ReadBounded(path, limits.MaxTrainingValues, readOptions);
                }
                catch (DataFormatException e) when (e.IsTextWhereANumberMustBe)
                {
                    // A text column: said in the request's terms (its file name, the request's own field
                    // for choosing columns, not the command line's flags), without the cell's text.
                    return (null, null, $"{request.DataFile}, line {e.Line}, column {e.Column} ({e.ColumnLabel}): text where a number must be. Name the numeric feature columns with \"columns\" (header names or 0-based indices).");
                }

                if (read is null)
                {
                    return (null, null, $"'{request.DataFile}' has more than {limits.MaxTrainingValues} values; at most {limits.MaxTrainingValues} are allowed.");
                }

                data = read;
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
                SigmaEnd = request.SigmaEnd,
                LearningRateEnd = request.LearningRateEnd,
                Scaling = request.Scaling is null ? SomOptions.Default.Scaling : OptionText.Parse<Scaling>(request.Scaling, "scaling"),
                Seed = request.Seed ?? Random.Shared.Next(),
                Distance = request.Distance is null ? SomOptions.Default.Distance : OptionText.Parse<DistanceMetric>(request.Distance, "distance"),
            };
            options.Validate();
            return (options, data, null);
        }
        catch (SomOptionsException e) when (e.ParamName is { } option && e.Message.StartsWith(option, StringComparison.Ordinal))
        {
            // "SigmaEnd must be in …" names the request's field as the JSON has it: "sigma_end".
            return (null, null, $"\"{JsonNamingPolicy.SnakeCaseLower.ConvertName(option)}\"{e.Message[option.Length..].Split(" (Parameter '", 2)[0]}");
        }
        catch (Exception e) when (e is DataFormatException or ArgumentException)
        {
            // OptionText's refusals and the data's carry messages without a C# parameter name.
            return (null, null, e.Message);
        }
    }

    /// <summary>Why a body names a field a training request does not have (a misspelt field would
    /// otherwise be ignored and its default used), or null when every top-level field is known.</summary>
    private static string? UnknownField(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null; // not an object: the deserializer says what is wrong
            }

            var known = ApiJsonContext.Default.TrainRequest.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString() ?? "";
                if (!known.Contains(name))
                {
                    var shown = name.Length > 40 ? name[..40] + "…" : name;
                    shown = new string([.. shown.Select(c => char.IsControl(c) ? '?' : c)]);
                    return $"\"{shown}\" is not a field of a training request; the fields are: {string.Join(", ", known.Order(StringComparer.Ordinal))}.";
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the deserializer says where.
        }

        return null;
    }

    /// <summary>The position of the first null item (JSON <c>null</c> inside a list), or null.</summary>
    private static int? IndexOfNull<T>(IReadOnlyList<T> items)
        where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// A data file's rows, or null as soon as it is known to hold more than <paramref name="maxValues"/>
    /// values: a text file is read a few rows at a time and counted as it is read, a <c>.npy</c> file
    /// is refused by its size (at most 8 bytes a value) before it is read, so an oversized file is never
    /// read whole.
    /// </summary>
    private static DataMatrix? ReadBounded(string path, long maxValues, CsvReadOptions csv)
    {
        if (TrainingDataFile.IsNpy(path))
        {
            const long HeaderBytes = 1 << 16;
            return new FileInfo(path).Length > HeaderBytes + (maxValues * 8) ? null : TrainingDataFile.Read(path).Data;
        }

        var chunks = new List<DataMatrix>();
        long values = 0;
        foreach (var chunk in CsvDataReader.ReadChunks(path, csv, 256))
        {
            values += (long)chunk.Data.Rows * chunk.Data.Columns;
            if (values > maxValues)
            {
                return null;
            }

            chunks.Add(chunk.Data);
        }

        if (chunks.Count == 0)
        {
            return TrainingDataFile.Read(path, csv).Data;
        }

        var all = new float[values];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.Values.CopyTo(all.AsSpan(offset));
            offset += chunk.Values.Length;
        }

        return new DataMatrix(all, (int)(values / chunks[0].Columns), chunks[0].Columns, chunks[0].ColumnNames);
    }

    /// <summary>How a request's data file is read: its <c>header</c>, <c>delimiter</c>, <c>missing</c>
    /// and <c>max_missing</c>, or the problem with one of them.</summary>
    private static (CsvReadOptions Options, string? Problem) ReadOptions(TrainRequest request)
    {
        var options = new CsvReadOptions();
        switch (request.Header?.ToLowerInvariant())
        {
            case null or "auto":
                break;
            case "yes":
                options = options with { HasHeader = true };
                break;
            case "no":
                options = options with { HasHeader = false };
                break;
            default:
                return (options, $"\"header\" is '{request.Header}'; allowed: auto, yes, no.");
        }

        switch (request.Delimiter)
        {
            case null:
                break;
            case "tab" or "\t":
                options = options with { Delimiter = '\t' };
                break;
            case { Length: 1 } d when d[0] is not ('"' or '\r' or '\n' or '.' or '-' or '+') && !char.IsLetterOrDigit(d[0]):
                options = options with { Delimiter = d[0] };
                break;
            default:
                return (options, $"\"delimiter\" is '{request.Delimiter}'; allowed: one character such as ',', ';' or '|' (not a letter, digit, quote, '.', '-' or '+'), or \"tab\".");
        }

        switch (request.Missing?.ToLowerInvariant())
        {
            case null or "allow":
                break;
            case "error":
                options = options with { Missing = MissingValuePolicy.Error };
                break;
            default:
                return (options, $"\"missing\" is '{request.Missing}'; allowed: allow, error.");
        }

        if (request.MaxMissing is { } share)
        {
            if (share is not (>= 0 and <= 1))
            {
                return (options, $"\"max_missing\" is {share.ToString(CultureInfo.InvariantCulture)}; allowed: a share in [0, 1].");
            }

            options = options with { MaxMissing = share };
        }

        if (request.Columns is { } columns)
        {
            if (columns.Count == 0 || columns.Any(string.IsNullOrWhiteSpace))
            {
                return (options, "\"columns\" names the feature columns: a list of header names or 0-based indices, none empty.");
            }

            options = options with { Columns = columns };
        }

        return (options, null);
    }

    /// <summary>The file a request names, when it is a regular file inside the training-data folder
    /// once every link is resolved; null otherwise. Nothing outside the folder can be named, not even
    /// through a symbolic link (the rule is <see cref="TrainingDataFile.ResolveInside"/>).</summary>
    private static string? ResolveDataFile(string name, KohonenServerOptions limits) =>
        limits.TrainingDataDirectory is { } folder && name.Length > 0 ? TrainingDataFile.ResolveInside(folder, name) : null;

    /// <summary>A run's status, progress (while this server trains it), metrics and params.</summary>
    /// <remarks>Any run of the store; progress is null unless this server is training it.</remarks>
    /// <response code="200">The run's status, its progress while this server trains it, its latest metrics and its params.</response>
    /// <response code="404">There is no run with that id.</response>
    public static async Task<Results<Ok<TrainingStatus>, NotFoundProblem>> GetRunAsync(
        [FromRoute(Name = "run_id")] string runId, KohonenServerOptions options, TrainingJobs jobs, CancellationToken cancellationToken)
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

    /// <summary>A training's progress as server-sent events ("progress", then one "end").</summary>
    /// <remarks>A "progress" event whenever the training has moved on, then one "end" event with the final status; each event's data is the run's status.</remarks>
    /// <response code="200">The events, until the training ends.</response>
    /// <response code="404">No training started by this server has that run id.</response>
    public static Results<ServerSentEventsResult<TrainingStatus>, NotFoundProblem> Events(
        [FromRoute(Name = "run_id")] string runId, TrainingJobs jobs, CancellationToken cancellationToken)
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

    /// <summary>Cancel a training; its run ends KILLED with the metrics measured so far.</summary>
    /// <remarks>Needs the API key (X-Api-Key) when one is set; from this machine only otherwise.</remarks>
    /// <response code="202">The training is being cancelled: its run's status; Location is the run's address.</response>
    /// <response code="401">The server has an API key and the request did not give it.</response>
    /// <response code="403">The key is wrong, or (no key configured) the request came from another machine.</response>
    /// <response code="404">No training started by this server has that run id.</response>
    /// <response code="409">The training has already ended.</response>
    public static async Task<Results<Accepted<TrainingStatus>, NotFoundProblem, ConflictProblem>> CancelAsync(
        [FromRoute(Name = "run_id")] string runId, KohonenServerOptions options, TrainingJobs jobs, CancellationToken cancellationToken)
    {
        if (!ModelEndpoints.IsRunId(runId) || jobs.Find(runId) is not { } job)
        {
            return Problems.NotFound($"No training started by this server has the run id '{runId}'.");
        }

        if (job.Completion.IsCompleted)
        {
            return Problems.Conflict($"The training of run {runId} has already ended ({job.Status.ToName()}).");
        }

        // The recorder ends the run in the store a moment before the job itself completes: once the
        // store says so, the training has ended, whatever the job's task still has to do.
        var recorded = (await options.Store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)).Info.Status;
        if (recorded != RunStatus.Running)
        {
            return Problems.Conflict($"The training of run {runId} has already ended ({recorded.ToName()}).");
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
            job?.Error ?? Abandoned(run),
            $"/runs/{runId}/events");
    }

    /// <summary>Why a RUNNING run of the store will never end by itself (its training was killed), or null.</summary>
    private static string? Abandoned(Run? run) => run is null ? null : RunOwner.Liveness(run) switch
    {
        RunLiveness.OwnerGone => $"The training's process ({run.Tags.GetValueOrDefault(RunOwner.ProcessTag)} on {run.Tags.GetValueOrDefault(RunOwner.HostTag)}) is gone; the run will not end by itself (kohonen runs gc marks it).",
        RunLiveness.Stale => $"The training has sent no heartbeat for over {RunOwner.StaleAfter.TotalMinutes:0} minutes; it was probably killed (kohonen runs gc marks it).",
        _ => null,
    };
}
