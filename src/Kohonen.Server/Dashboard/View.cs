using System.Globalization;
using Kohonen.Tracking;

namespace Kohonen.Server.Dashboard;

/// <summary>How the pages write numbers, times and statuses.</summary>
internal static class View
{
    public static string Number(double? value) => value switch
    {
        null => "",
        double v when double.IsNaN(v) => "NaN",
        double v when v != 0 && Math.Abs(v) is < 1e-3 or >= 1e6 => v.ToString("0.###e0", CultureInfo.InvariantCulture),
        double v => v.ToString("0.####", CultureInfo.InvariantCulture),
    };

    public static double? Metric(Run run, string key) => run.Metrics.TryGetValue(key, out var m) ? m.Value : null;

    public static string Started(Run run) => run.Info.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static double? Seconds(Run run) => run.Info.EndTime is { } end ? (end - run.Info.StartTime) / 1000.0 : null;

    public static string Duration(Run run) => Seconds(run) is not { } s
        ? "running"
        : s < 60 ? s.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : s < 3600 ? $"{(int)s / 60} min {(int)s % 60} s"
        : $"{(int)s / 3600} h {(int)s % 3600 / 60} min";

    public static string Grid(Run run) =>
        run.Params.TryGetValue("width", out var w) && run.Params.TryGetValue("height", out var h)
            ? $"{w}×{h}{(run.Params.TryGetValue("topology", out var t) && t == "hexagonal" ? " hex" : "")}"
            : "";

    public static string DataFile(Run run) =>
        run.Params.TryGetValue("data_file", out var f) ? f : run.Tags.TryGetValue("data_file", out var t) ? t : "";

    public static string Status(Run run) => run.Info.Status.ToName();

    public static string Short(string runId) => runId.Length > 8 ? runId[..8] : runId;

    /// <summary>The final QE: the final metric when logged, else the latest measured.</summary>
    public static double? Qe(Run run) => Metric(run, "final_quantization_error") ?? Metric(run, "quantization_error");

    /// <summary>The final TE: the final metric when logged, else the latest measured.</summary>
    public static double? Te(Run run) => Metric(run, "final_topographic_error") ?? Metric(run, "topographic_error");

    /// <summary>The accuracy: a measured <c>accuracy</c> metric when logged, else the labelled map's
    /// accuracy on its own training rows.</summary>
    public static double? Accuracy(Run run) => Metric(run, "accuracy") ?? Metric(run, "training_accuracy");

    /// <summary>Why a RUNNING run is not training any more (its process is gone, or its heartbeat
    /// stopped), or null: the store still says RUNNING until <c>kohonen runs gc</c> marks it.</summary>
    public static string? Dead(Run run) => RunOwner.Liveness(run) switch
    {
        RunLiveness.OwnerGone => "dead: its training process is gone (kohonen runs gc marks it)",
        RunLiveness.Stale => "stale: no heartbeat for 2 minutes (kohonen runs gc marks it)",
        _ => null,
    };

    public static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A key (<c>data_quantization_error</c>, <c>kohonen.owner_pid</c>) that a narrow column may
    /// break after its underscores and dots, and nowhere else: HTML-encoded, a &lt;wbr&gt; after each.</summary>
    public static Microsoft.AspNetCore.Components.MarkupString Breakable(string key) =>
        new(System.Net.WebUtility.HtmlEncode(key).Replace("_", "_<wbr>", StringComparison.Ordinal).Replace(".", ".<wbr>", StringComparison.Ordinal));
}
