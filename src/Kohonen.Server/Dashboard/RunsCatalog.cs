using Kohonen.Tracking;

namespace Kohonen.Server.Dashboard;

/// <summary>The store's runs for the pages: all of them (up to the store's search limit), the
/// experiments' names, and the table's orders.</summary>
internal static class RunsCatalog
{
    /// <summary>The most runs one search returns; the runs table pages through them.</summary>
    public const int MaxRuns = 10_000;

    public static Task<IReadOnlyList<Run>> AllRunsAsync(ITrackingStore store, CancellationToken cancellationToken = default) =>
        store.SearchRunsAsync(new RunQuery { MaxResults = MaxRuns }, cancellationToken);

    public static async Task<Dictionary<string, string>> ExperimentNamesAsync(ITrackingStore store, IEnumerable<Run> runs, CancellationToken cancellationToken = default)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in runs.Select(r => r.Info.ExperimentId).Distinct(StringComparer.Ordinal))
        {
            var experiment = await store.GetExperimentAsync(id, cancellationToken).ConfigureAwait(false);
            names[id] = experiment?.Name ?? id;
        }

        return names;
    }

    /// <summary>Runs in the order of a column; runs without a value come last either way, ties by start
    /// time (newest first) then id.</summary>
    public static List<Run> Sorted(IEnumerable<Run> runs, string column, bool descending, IReadOnlyDictionary<string, string> experiments)
    {
        Func<Run, double?>? number = column switch
        {
            "started" => r => r.Info.StartTime,
            "duration" => View.Seconds,
            "qe" => View.Qe,
            "te" => View.Te,
            "accuracy" => View.Accuracy,
            "grid" => r => double.TryParse(r.Params.GetValueOrDefault("width"), out var w) && double.TryParse(r.Params.GetValueOrDefault("height"), out var h) ? w * h : null,
            _ => null,
        };
        IOrderedEnumerable<Run> ordered;
        if (number is not null)
        {
            ordered = runs.OrderBy(r => number(r) is { } v && !double.IsNaN(v) ? 0 : 1);
            ordered = descending ? ordered.ThenByDescending(r => number(r) ?? 0) : ordered.ThenBy(r => number(r) ?? 0);
        }
        else
        {
            Func<Run, string> text = column switch
            {
                "experiment" => r => experiments.GetValueOrDefault(r.Info.ExperimentId, r.Info.ExperimentId),
                "status" => View.Status,
                "data" => View.DataFile,
                _ => r => r.Info.RunName,
            };
            ordered = descending
                ? runs.OrderByDescending(text, StringComparer.OrdinalIgnoreCase)
                : runs.OrderBy(text, StringComparer.OrdinalIgnoreCase);
        }

        return [.. ordered.ThenByDescending(r => r.Info.StartTime).ThenBy(r => r.Info.RunId, StringComparer.Ordinal)];
    }
}
