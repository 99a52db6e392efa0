using Kohonen.Tracking;

namespace Kohonen.Server.Dashboard;

/// <summary>A run's metric history as a chart's line.</summary>
internal static class RunCurves
{
    public static async Task<CurveSeries> SeriesAsync(ITrackingStore store, string runId, string key, string name, CancellationToken cancellationToken = default)
    {
        var history = await store.GetMetricHistoryAsync(runId, key, cancellationToken).ConfigureAwait(false);
        // One value per step: the last one logged (the final metric repeats the last measured step).
        var points = history.GroupBy(m => m.Step).OrderBy(g => g.Key).Select(g => (g.Key, g.Last().Value)).ToList();
        return new CurveSeries(name, points);
    }
}
