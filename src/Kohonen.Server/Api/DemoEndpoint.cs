using System.Collections.Concurrent;
using System.Globalization;
using Kohonen.Imaging;
using Kohonen.Tracking;
using Microsoft.AspNetCore.Http;

namespace Kohonen.Server.Api;

/// <summary><c>GET /kohonen</c>: the first Python original's endpoint: train the colour demo on request and
/// return the picture. Sizes are bounded; at most two demos train at once; a seeded request is drawn once
/// and remembered (the last 32).</summary>
internal sealed class DemoEndpoint : IDisposable
{
    /// <summary>The most work one request may ask for: colours × iterations × nodes (ten times the classic demo).</summary>
    public const long MaxWork = 2_000_000_000;

    private readonly SemaphoreSlim _running = new(2, 2);
    private readonly ConcurrentDictionary<(int, int, int, int, int), byte[]> _cache = new();
    private readonly ConcurrentQueue<(int, int, int, int, int)> _order = new();

    public async Task<IResult> GetAsync(int? inputSize, int? width, int? height, int? iterations, int? seed, CancellationToken cancellationToken)
    {
        var (n, w, h, t) = (inputSize ?? 20, width ?? 100, height ?? 100, iterations ?? 1000);
        var problem = n is < 1 or > 1000 ? $"input_size must be in 1..1000; got {n}."
            : w is < 1 or > 200 ? $"width must be in 1..200; got {w}."
            : h is < 1 or > 200 ? $"height must be in 1..200; got {h}."
            : t is < 1 or > 10_000 ? $"iterations must be in 1..10000; got {t}."
            : seed is < 0 ? $"seed must be 0 or more; got {seed}."
            : (long)n * t * w * h > MaxWork ? string.Create(CultureInfo.InvariantCulture, $"input_size × iterations × width × height is {(long)n * t * w * h}; at most {MaxWork} is allowed.")
            : null;
        if (problem is not null)
        {
            return Problems.BadRequest(problem);
        }

        var key = (n, w, h, t, seed ?? -1);
        if (seed is not null && _cache.TryGetValue(key, out var cached))
        {
            return Results.File(cached, "image/png");
        }

        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        byte[] png;
        try
        {
            var chosen = seed ?? Random.Shared.Next();
            var options = new SomOptions { Width = w, Height = h, Iterations = t, Seed = chosen, Sigma = Math.Max(w, h) > 2 ? null : 1.5 };
            var data = SampleData.RandomColors(n, chosen);
            var session = new TrainingSession(options, DataSource.FromMatrix(data))
            {
                Pictures = model => [new("pictures/colors.png", MapPictures.ColorDemo(model, data))],
            };
            png = (await session.RunAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Pictures[0].Content;
        }
        finally
        {
            _running.Release();
        }

        if (seed is not null && _cache.TryAdd(key, png))
        {
            _order.Enqueue(key);
            while (_order.Count > 32 && _order.TryDequeue(out var old))
            {
                _cache.TryRemove(old, out _);
            }
        }

        return Results.File(png, "image/png");
    }

    public void Dispose() => _running.Dispose();
}
