using System.Collections.Concurrent;
using Kohonen.Imaging;
using Kohonen.Tracking;

namespace Kohonen.Server.Api;

/// <summary>The pictures of <c>GET /kohonen</c>: the colour demo trained on request, at most two at once;
/// a seeded picture is drawn once and remembered (the last 32).</summary>
internal sealed class ColorDemoPictures : IDisposable
{
    private readonly SemaphoreSlim _running = new(2, 2);
    private readonly ConcurrentDictionary<(int, int, int, int, int), byte[]> _cache = new();
    private readonly ConcurrentQueue<(int, int, int, int, int)> _order = new();

    /// <summary>The PNG of <paramref name="colors"/> random colours trained on a
    /// <paramref name="width"/> × <paramref name="height"/> map for <paramref name="iterations"/> passes;
    /// the seed is drawn when <paramref name="seed"/> is null. The sizes are checked by the caller.</summary>
    public async Task<byte[]> GetAsync(int colors, int width, int height, int iterations, int? seed, CancellationToken cancellationToken)
    {
        var key = (colors, width, height, iterations, seed ?? -1);
        if (seed is not null && _cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        byte[] png;
        try
        {
            var chosen = seed ?? Random.Shared.Next();
            var options = new SomOptions { Width = width, Height = height, Iterations = iterations, Seed = chosen, Sigma = Math.Max(width, height) > 2 ? null : 1.5 };
            var data = SampleData.RandomColors(colors, chosen);
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

        return png;
    }

    public void Dispose() => _running.Dispose();
}
