using System.Collections.Concurrent;
using Kohonen.Imaging;

namespace Kohonen.Server.Api;

/// <summary>The pictures of runs, drawn once per run and kind (a run's model never changes); the
/// <see cref="Capacity"/> most recently drawn are kept.</summary>
internal sealed class MapPictureCache(KohonenServerOptions options, int capacity = MapPictureCache.Capacity)
{
    /// <summary>Pictures kept at most by default (the oldest drawn go first).</summary>
    public const int Capacity = 256;

    /// <summary>The kinds of picture a run has.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["rgb", "umatrix", "planes", "hits"];

    private readonly ConcurrentDictionary<(string RunId, string Kind), Lazy<Task<byte[]?>>> _pictures = new();
    private readonly ConcurrentQueue<(string RunId, string Kind)> _order = new();

    /// <summary>Pictures held now.</summary>
    internal int Count => _pictures.Count;

    /// <summary>The PNG of a FINISHED run's picture of one of the <see cref="Kinds"/>, drawn on first
    /// asking; null for hits of a run that kept no hit map (the hits need the training data). A picture
    /// that cannot be drawn throws <see cref="ArgumentException"/> and is not kept.</summary>
    public async Task<byte[]?> GetAsync(string runId, string kind)
    {
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
        catch (ArgumentException)
        {
            _pictures.TryRemove((runId, kind), out _);
            throw;
        }

        if (png is null)
        {
            _pictures.TryRemove((runId, kind), out _);
        }

        return png;
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
