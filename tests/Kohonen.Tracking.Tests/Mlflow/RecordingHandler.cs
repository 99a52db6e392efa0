using System.Net;
using System.Text;

namespace Kohonen.Tracking.Tests.Mlflow;

/// <summary>Records each request (method, address, body) and answers from a queue of canned responses
/// (200 with "{}" when the queue is empty).</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Queue<(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)> _answers = new();

    public List<(HttpMethod Method, Uri Uri, string Body)> Requests { get; } = [];

    public void Answer(HttpStatusCode status, string body, TimeSpan? retryAfter = null) => _answers.Enqueue((status, body, retryAfter));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, request.RequestUri!, body));
        var (status, text, retryAfter) = _answers.Count > 0 ? _answers.Dequeue() : (HttpStatusCode.OK, "{}", null);
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(text, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
        if (retryAfter is { } after)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(after);
        }

        return response;
    }
}
