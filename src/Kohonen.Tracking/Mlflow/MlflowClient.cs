using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kohonen.Tracking.Mlflow;

/// <summary>
/// A small typed client for MLflow's REST API 2.0: experiments, runs, log-batch, metric history and the
/// tracking server's artifact proxy. Requests answered 429 or 5xx, and requests that cannot reach the
/// server, are tried again with growing waits; a 4xx answer becomes an <see cref="MlflowException"/>
/// with MLflow's error code and message.
/// </summary>
internal sealed class MlflowClient : IDisposable
{
    private const string Api = "api/2.0/mlflow/";
    private const string ArtifactsApi = "api/2.0/mlflow-artifacts/artifacts";
    private static readonly MlflowJsonContext Json = MlflowJsonContext.Default;

    private readonly HttpClient _http;
    private readonly MlflowClientOptions _options;

    public MlflowClient(MlflowClientOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TrackingUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The MLflow tracking URI must be an http or https address; got '{options.TrackingUri}'.", nameof(options));
        }

        _options = options;
        var baseAddress = options.TrackingUri.AbsoluteUri.EndsWith('/') ? options.TrackingUri : new Uri(options.TrackingUri.AbsoluteUri + "/");
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseAddress;
        _http.Timeout = options.Timeout;
        if (options.Token is { Length: > 0 } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (options.Username is { Length: > 0 } user)
        {
            var pair = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{options.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", pair);
        }
    }

    /// <summary>The experiment with this name, or null (MLflow answers RESOURCE_DOES_NOT_EXIST).</summary>
    public async Task<MlflowExperiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await GetAsync($"{Api}experiments/get-by-name?experiment_name={Uri.EscapeDataString(name)}", Json.GetExperimentResponse, cancellationToken).ConfigureAwait(false);
            return response.Experiment;
        }
        catch (MlflowException e) when (e.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
        {
            return null;
        }
    }

    /// <summary>The experiment with this id, or null (MLflow answers RESOURCE_DOES_NOT_EXIST).</summary>
    public async Task<MlflowExperiment?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await GetAsync($"{Api}experiments/get?experiment_id={Uri.EscapeDataString(experimentId)}", Json.GetExperimentResponse, cancellationToken).ConfigureAwait(false);
            return response.Experiment;
        }
        catch (MlflowException e) when (e.ErrorCode is "RESOURCE_DOES_NOT_EXIST" or "INVALID_PARAMETER_VALUE")
        {
            return null;
        }
    }

    public async Task<string> CreateExperimentAsync(string name, CancellationToken cancellationToken) =>
        (await PostAsync($"{Api}experiments/create", new CreateExperimentRequest(name), Json.CreateExperimentRequest, Json.CreateExperimentResponse, cancellationToken).ConfigureAwait(false)).ExperimentId;

    /// <summary>Every active experiment, page by page.</summary>
    public async Task<List<MlflowExperiment>> SearchExperimentsAsync(CancellationToken cancellationToken)
    {
        var all = new List<MlflowExperiment>();
        string? token = null;
        do
        {
            var page = await PostAsync($"{Api}experiments/search", new SearchExperimentsRequest(1000, token), Json.SearchExperimentsRequest, Json.SearchExperimentsResponse, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Experiments ?? []);
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        return all;
    }

    public async Task<MlflowRun> CreateRunAsync(CreateRunRequest request, CancellationToken cancellationToken) =>
        (await PostAsync($"{Api}runs/create", request, Json.CreateRunRequest, Json.RunResponse, cancellationToken).ConfigureAwait(false)).Run;

    public async Task<MlflowRunInfo> UpdateRunAsync(UpdateRunRequest request, CancellationToken cancellationToken) =>
        (await PostAsync($"{Api}runs/update", request, Json.UpdateRunRequest, Json.UpdateRunResponse, cancellationToken).ConfigureAwait(false)).RunInfo;

    /// <summary>Marks a run deleted (runs/delete): searches no longer return it.</summary>
    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken) =>
        PostAsync<DeleteRunRequest, MlflowError>($"{Api}runs/delete", new DeleteRunRequest(runId), Json.DeleteRunRequest, null, cancellationToken);

    /// <summary>Renames an experiment (experiments/update).</summary>
    public Task UpdateExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken) =>
        PostAsync<UpdateExperimentRequest, MlflowError>($"{Api}experiments/update", new UpdateExperimentRequest(experimentId, newName), Json.UpdateExperimentRequest, null, cancellationToken);

    public async Task<MlflowRun> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        (await GetAsync($"{Api}runs/get?run_id={Uri.EscapeDataString(runId)}", Json.RunResponse, cancellationToken).ConfigureAwait(false)).Run;

    /// <summary>Logs metrics, params and tags in as many calls as MLflow's limits need (at most 1,000
    /// metrics, 100 params, 100 tags and 1,000 items a call), in the order given.</summary>
    public async Task LogBatchAsync(string runId, IReadOnlyList<MlflowMetric> metrics, IReadOnlyList<MlflowKeyValue> parameters, IReadOnlyList<MlflowKeyValue> tags, CancellationToken cancellationToken)
    {
        foreach (var batch in LogBatchChunks(runId, metrics, parameters, tags))
        {
            await PostAsync<LogBatchRequest, MlflowError>($"{Api}runs/log-batch", batch, Json.LogBatchRequest, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The log-batch calls for the items: params first, then tags, then metrics, each call
    /// within MLflow's limits.</summary>
    internal static IEnumerable<LogBatchRequest> LogBatchChunks(string runId, IReadOnlyList<MlflowMetric> metrics, IReadOnlyList<MlflowKeyValue> parameters, IReadOnlyList<MlflowKeyValue> tags)
    {
        const int MaxMetrics = 1000, MaxParams = 100, MaxTags = 100, MaxItems = 1000;
        int m = 0, p = 0, t = 0;
        while (m < metrics.Count || p < parameters.Count || t < tags.Count)
        {
            var paramCount = Math.Min(MaxParams, parameters.Count - p);
            var tagCount = Math.Min(MaxTags, tags.Count - t);
            var metricCount = Math.Min(Math.Min(MaxMetrics, MaxItems - paramCount - tagCount), metrics.Count - m);
            yield return new LogBatchRequest(
                runId,
                metricCount > 0 ? [.. metrics.Skip(m).Take(metricCount)] : null,
                paramCount > 0 ? [.. parameters.Skip(p).Take(paramCount)] : null,
                tagCount > 0 ? [.. tags.Skip(t).Take(tagCount)] : null);
            m += metricCount;
            p += paramCount;
            t += tagCount;
        }
    }

    /// <summary>Runs matching the search, following the server's pages until <paramref name="maxResults"/>.</summary>
    public async Task<List<MlflowRun>> SearchRunsAsync(IReadOnlyList<string> experimentIds, string? filter, IReadOnlyList<string>? orderBy, int maxResults, CancellationToken cancellationToken)
    {
        var all = new List<MlflowRun>();
        string? token = null;
        do
        {
            var request = new SearchRunsRequest(experimentIds, filter, Math.Min(1000, maxResults - all.Count), orderBy, token);
            var page = await PostAsync($"{Api}runs/search", request, Json.SearchRunsRequest, Json.SearchRunsResponse, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Runs ?? []);
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token) && all.Count < maxResults);
        return all.Count > maxResults ? all[..maxResults] : all;
    }

    /// <summary>Every value of one metric of a run, page by page.</summary>
    public async Task<List<MlflowMetric>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken)
    {
        var all = new List<MlflowMetric>();
        string? token = null;
        do
        {
            var query = $"{Api}metrics/get-history?run_id={Uri.EscapeDataString(runId)}&metric_key={Uri.EscapeDataString(key)}&max_results=25000"
                + (token is null ? "" : $"&page_token={Uri.EscapeDataString(token)}");
            var page = await GetAsync(query, Json.MetricHistoryResponse, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Metrics ?? []);
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        return all;
    }

    /// <summary>Uploads a file through the server's artifact proxy.</summary>
    public Task UploadArtifactAsync(string artifactPath, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        SendAsync<bool>(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"{ArtifactsApi}/{EscapePath(artifactPath)}")
            {
                Content = new ReadOnlyMemoryContent(content),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return request;
        }, _ => Task.FromResult(true), cancellationToken);

    /// <summary>Downloads a file through the server's artifact proxy.</summary>
    public Task<byte[]> DownloadArtifactAsync(string artifactPath, CancellationToken cancellationToken) =>
        SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, $"{ArtifactsApi}/{EscapePath(artifactPath)}"),
            response => response.Content.ReadAsByteArrayAsync(cancellationToken),
            cancellationToken);

    /// <summary>Deletes a file or a folder (with everything in it) through the server's artifact proxy.</summary>
    public Task DeleteArtifactAsync(string artifactPath, CancellationToken cancellationToken) =>
        SendAsync(
            () => new HttpRequestMessage(HttpMethod.Delete, $"{ArtifactsApi}/{EscapePath(artifactPath)}"),
            _ => Task.FromResult(true),
            cancellationToken);

    /// <summary>The files and folders directly under a folder of the artifact proxy.</summary>
    public async Task<IReadOnlyList<MlflowFileInfo>> ListArtifactsAsync(string folder, CancellationToken cancellationToken) =>
        (await GetAsync($"{ArtifactsApi}?path={Uri.EscapeDataString(folder)}", Json.ListArtifactsResponse, cancellationToken).ConfigureAwait(false)).Files ?? [];

    public void Dispose() => _http.Dispose();

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private Task<TResponse> GetAsync<TResponse>(string address, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, address), response => ReadAsync(response, responseType, cancellationToken), cancellationToken);

    private Task<TResponse> PostAsync<TRequest, TResponse>(string address, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse>? responseType, CancellationToken cancellationToken) =>
        SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, address)
            {
                Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, requestType)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            },
            response => responseType is null ? Task.FromResult(default(TResponse)!) : ReadAsync(response, responseType, cancellationToken),
            cancellationToken);

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(bytes, type)
                ?? throw new MlflowException($"MLflow answered {response.RequestMessage?.RequestUri?.AbsolutePath} with an empty body.", response.StatusCode, null);
        }
        catch (JsonException e)
        {
            throw new MlflowException($"MLflow's answer to {response.RequestMessage?.RequestUri?.AbsolutePath} is not the expected JSON: {e.Message}", response.StatusCode, null, e);
        }
    }

    /// <summary>Sends a request (made afresh for each try), retrying 429, 5xx and unreachable servers.</summary>
    private async Task<T> SendAsync<T>(Func<HttpRequestMessage> makeRequest, Func<HttpResponseMessage, Task<T>> read, CancellationToken cancellationToken)
    {
        var delay = _options.FirstRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            using var request = makeRequest();
            var what = $"{request.Method} {request.RequestUri}";
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (attempt >= _options.MaxRetries)
                {
                    throw new MlflowException($"Cannot reach the MLflow server at {_options.TrackingUri} ({what}, {attempt + 1} tries): {e.Message}", null, null, e);
                }

                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = Next(delay);
                continue;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    return await read(response).ConfigureAwait(false);
                }

                var status = (int)response.StatusCode;
                if ((status == 429 || status >= 500) && attempt < _options.MaxRetries)
                {
                    var wait = response.Headers.RetryAfter?.Delta is { } after && after <= _options.MaxRetryDelay ? after : delay;
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    delay = Next(delay);
                    continue;
                }

                throw await ErrorAsync(response, what, attempt + 1, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Next(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));

    private static async Task<MlflowException> ErrorAsync(HttpResponseMessage response, string what, int tries, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        MlflowError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(text, Json.MlflowError);
        }
        catch (JsonException)
        {
            // Not MLflow's error JSON (a proxy's page, say): the text itself is reported below.
        }

        var status = (int)response.StatusCode;
        var detail = error?.ErrorCode is { } code
            ? $"{code}: {error.Message}"
            : text.Length > 300 ? text[..300] + "…" : text;
        var retried = tries > 1 ? string.Create(CultureInfo.InvariantCulture, $" after {tries} tries") : "";
        return new MlflowException($"MLflow refused {what} ({status} {response.ReasonPhrase}{retried}): {detail}", response.StatusCode, error?.ErrorCode);
    }
}
