using System.Collections.Concurrent;
using Kohonen.Imaging;

namespace Kohonen.Server.Api;

/// <summary>
/// The pictures of <c>GET /kohonen</c>: the colour demo trained on request. The route needs no key, so
/// its CPU is budgeted apart from the predictions': one training at a time on one thread of its own at
/// the lowest scheduling priority (<see cref="BackgroundThread"/>; the same picture as on every core: the
/// codebook does not depend on the thread count), so predictions take the processor first; at most
/// <see cref="MaxWaiting"/> more waiting; a request beyond that is refused at once (503 with
/// Retry-After). A seeded picture is drawn once and remembered (the last 32).
/// </summary>
internal sealed class ColorDemoPictures : IDisposable
{
    /// <summary>How many requests may wait for the one training slot.</summary>
    public const int MaxWaiting = 4;

    private readonly SemaphoreSlim _running = new(1, 1);
    private int _admitted;
    private readonly ConcurrentDictionary<(int, int, int, int, int), byte[]> _cache = new();
    private readonly ConcurrentQueue<(int, int, int, int, int)> _order = new();

    /// <summary>The PNG of <paramref name="colors"/> random colours trained on a
    /// <paramref name="width"/> × <paramref name="height"/> map for <paramref name="iterations"/> passes;
    /// the seed is drawn when <paramref name="seed"/> is null. The sizes are checked by the caller.</summary>
    /// <returns>The picture, or null when the training slot and its queue are full (try again later).</returns>
    public async Task<byte[]?> GetAsync(int colors, int width, int height, int iterations, int? seed, CancellationToken cancellationToken)
    {
        var key = (colors, width, height, iterations, seed ?? -1);
        if (seed is not null && _cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        if (Interlocked.Increment(ref _admitted) > 1 + MaxWaiting)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }

        byte[] png;
        try
        {
            png = await TrainAsync(colors, width, height, iterations, seed, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
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

    private async Task<byte[]> TrainAsync(int colors, int width, int height, int iterations, int? seed, CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var chosen = seed ?? Random.Shared.Next();
            var options = new SomOptions { Width = width, Height = height, Iterations = iterations, Seed = chosen, Sigma = Math.Max(width, height) > 2 ? null : 1.5, MaxDegreeOfParallelism = 1 };
            var data = SampleData.RandomColors(colors, chosen);
            return await BackgroundThread.RunAsync("kohonen colour demo", () =>
            {
                var model = new SomTrainer(options).Fit(DataSource.FromMatrix(data), progress: null, cancellationToken);
                return MapPictures.ColorDemo(model, data);
            }).ConfigureAwait(false);
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();
}
