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
    public static readonly IReadOnlyList<string> Kinds = ["rgb", "umatrix", "planes", "hits", "labels", "segments", "curve"];

    private readonly ConcurrentDictionary<(string RunId, string Kind, int Width, string Features), Lazy<Task<byte[]?>>> _pictures = new();
    private readonly ConcurrentQueue<(string RunId, string Kind, int Width, string Features)> _order = new();

    /// <summary>Pictures held now.</summary>
    internal int Count => _pictures.Count;

    /// <summary>The PNG of a FINISHED run's picture of one of the <see cref="Kinds"/>, drawn on first
    /// asking at <paramref name="width"/> pixels (the kept hit map comes as it was drawn); null for
    /// hits of a run that kept no hit map (the hits need the training data). A picture that cannot be
    /// drawn throws <see cref="ArgumentException"/> and is not kept.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="kind">One of <see cref="Kinds"/>.</param>
    /// <param name="width">The picture's width in pixels.</param>
    /// <param name="features">For rgb: three feature indices (default the first three).</param>
    public async Task<byte[]?> GetAsync(string runId, string kind, int width = 640, IReadOnlyList<int>? features = null)
    {
        var key = (runId, kind, width, features is null ? "" : string.Join(',', features));
        var lazy = _pictures.GetOrAdd(key, k =>
        {
            _order.Enqueue(k);
            return new Lazy<Task<byte[]?>>(() => DrawAsync(k.RunId, k.Kind, k.Width, features));
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
        catch (Exception e) when (e is ArgumentException or UnusableModelException)
        {
            _pictures.TryRemove(key, out _);
            throw;
        }

        if (png is null)
        {
            _pictures.TryRemove(key, out _);
        }

        return png;
    }

    private async Task<byte[]?> DrawAsync(string runId, string kind, int width, IReadOnlyList<int>? features)
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
        var pictureOptions = new PictureOptions { Width = width };
        return kind switch
        {
            "rgb" => MapPictures.RgbMap(model, pictureOptions, features ?? (model.Dimension > 3 ? [0, 1, 2] : null)),
            "umatrix" => MapPictures.UMatrix(model, pictureOptions),
            "labels" => model.Labels is not null
                ? MapPictures.LabelMap(model, pictureOptions)
                : throw new ArgumentException($"Run {runId}'s map keeps no labels; train it with a label column."),
            "segments" => model.Segments is not null
                ? MapPictures.SegmentMap(model, pictureOptions)
                : throw new ArgumentException($"Run {runId}'s map keeps no segments; train it with clusters."),
            "curve" => model.History.Count > 0
                ? MapPictures.TrainingCurve(model.History, pictureOptions, model.Options?.Algorithm == TrainingAlgorithm.Batch ? "epoch" : "iteration")
                : throw new ArgumentException($"Run {runId}'s map has no training history to draw."),
            _ => MapPictures.ComponentPlanes(model, pictureOptions),
        };
    }
}
