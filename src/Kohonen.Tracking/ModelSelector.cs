using System.Globalization;

namespace Kohonen.Tracking;

/// <summary>
/// Picks the run whose model to serve (see <see cref="SelectionRules"/>) and says why in one line
/// (<see cref="ModelChoice.Reason"/>). It never falls back: a named run that does not exist, or no run
/// with the metric, is an error that says so.
/// <para>
/// The rule for "best": among the FINISHED runs of the experiment, take a reference — the runs trained
/// on the <see cref="SelectionRules.Data"/> file when one is given (or, when none was, runs whose
/// features that file has), else every run — and keep the runs comparable with its most recent one:
/// the same data fingerprint and feature schema (<see cref="RunProfile.IsComparableWith"/>). Rank them
/// by the metric. The quantization error is measured in each run's scaled units and distance, so when
/// the comparable runs differ in scaling, encoder or distance (<see cref="RunProfile.Distance"/>) they are
/// ranked by
/// <see cref="RunProfile.DataQuantizationError"/> (the same error in the data's units) instead; when
/// some of them lack it (recorded by an older version) the choice is refused with a message that says
/// what differs.
/// </para>
/// </summary>
public static class ModelSelector
{
    /// <summary>Metrics measured in the scaled units of a run.</summary>
    private static readonly HashSet<string> ScaledMetrics = new(StringComparer.Ordinal) { "quantization_error", "final_quantization_error" };

    /// <summary>The selected run (see <see cref="ChooseAsync"/>).</summary>
    /// <exception cref="TrackingException">See <see cref="ChooseAsync"/>.</exception>
    public static async Task<Run> SelectAsync(ITrackingStore store, SelectionRules rules, CancellationToken cancellationToken = default) =>
        (await ChooseAsync(store, rules, cancellationToken).ConfigureAwait(false)).Run;

    /// <summary>The selected run and the one-line reason for it.</summary>
    /// <exception cref="TrackingException">The named run, the id file or a run with the metric is
    /// missing, a named prefix is ambiguous, or comparable runs cannot be ranked; the message says which
    /// and where the name came from.</exception>
    public static async Task<ModelChoice> ChooseAsync(ITrackingStore store, SelectionRules rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        if (!rules.ForceBest)
        {
            var (runId, source) = await ExplicitRunIdAsync(rules, cancellationToken).ConfigureAwait(false);
            if (runId is not null)
            {
                try
                {
                    var full = await RunIds.ResolveAsync(store, runId, cancellationToken).ConfigureAwait(false);
                    return new ModelChoice(await store.GetRunAsync(full, cancellationToken).ConfigureAwait(false), $"named by {source}", null, 0);
                }
                catch (RunNotFoundException e)
                {
                    throw new TrackingException($"The run '{runId}' named by {source} does not exist.", e);
                }
                catch (TrackingException e) when (e is not RunNotFoundException)
                {
                    throw new TrackingException($"{char.ToUpperInvariant(source[0])}{source[1..]} names '{runId}': {e.Message}", e);
                }
            }
        }

        IReadOnlyList<string>? experiments = null;
        var inExperiment = rules.ExperimentName is null ? "" : $" of experiment '{rules.ExperimentName}'";
        if (rules.ExperimentName is { } name)
        {
            var experiment = await store.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new TrackingException($"There is no experiment named '{name}'.");
            experiments = [experiment.ExperimentId];
        }

        // Newest first: the reference is the most recent of the candidates.
        var finished = await store.SearchRunsAsync(new RunQuery
        {
            ExperimentIds = experiments,
            Status = RunStatus.Finished,
            MaxResults = 10_000,
        }, cancellationToken).ConfigureAwait(false);
        var profiled = finished.Select(r => (Run: r, Profile: RunProfile.Of(r))).ToList();
        if (profiled.Count == 0)
        {
            throw new TrackingException($"No finished run{inExperiment} has the metric '{rules.MetricKey}' to choose by.");
        }

        var candidates = profiled;
        var forData = "";
        if (rules.Data is { } data)
        {
            candidates = [.. profiled.Where(p => p.Profile.Fingerprint == data.Fingerprint)];
            if (candidates.Count == 0)
            {
                candidates = [.. profiled.Where(p => data.Fits(p.Profile))];
                forData = $" (whose features {data.FileName} has)";
                if (candidates.Count == 0)
                {
                    throw new TrackingException(
                        $"No finished run{inExperiment} was trained on {data.FileName} or on features it has ({Columns(data)}); the runs were trained on {string.Join("; ", profiled.Select(p => $"{p.Profile.DataName} ({p.Profile.SchemaSummary})").Distinct().Take(5))}.");
                }
            }
        }

        var reference = candidates[0].Profile;
        var comparable = candidates.Where(p => p.Profile.IsComparableWith(reference)).ToList();
        var metric = rules.MetricKey;
        var note = "";
        var differing = UnitsThatDiffer(comparable.Select(p => p.Profile).ToList());
        if (ScaledMetrics.Contains(metric) && differing.Count > 0)
        {
            var withMetric = comparable.Where(p => Has(p.Run, metric)).ToList();
            var lacking = withMetric.Count(p => !Has(p.Run, RunProfile.DataQuantizationError));
            if (lacking > 0)
            {
                var counts = string.Join(", ", comparable.GroupBy(p => string.Join('/', differing.Select(d => d.Of(p.Profile))), StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}"));
                throw new TrackingException(
                    $"The {comparable.Count} comparable runs on {reference.DataName} differ in {Words(differing)} ({counts}), and {metric} is measured in each run's scaled units and distance, so they cannot be ranked by it; "
                    + $"{lacking} of them have no {RunProfile.DataQuantizationError} (the error in the data's units, recorded by newer versions). Rank by --metric {RunProfile.DataQuantizationError} among the runs that have it, or name a run.");
            }

            metric = RunProfile.DataQuantizationError;
            note = $" (in the data's units: the runs differ in {Words(differing)})";
        }

        var ranked = comparable.Where(p => Has(p.Run, metric))
            .OrderBy(p => rules.Ascending ? p.Run.Metrics[metric].Value : -p.Run.Metrics[metric].Value)
            .ThenByDescending(p => p.Run.Info.StartTime)
            .ThenBy(p => p.Run.Info.RunId, StringComparer.Ordinal)
            .ToList();
        if (ranked.Count == 0)
        {
            throw new TrackingException($"No finished run{inExperiment}{(comparable.Count < profiled.Count ? $" comparable with the runs on {reference.DataName}" : "")} has the metric '{metric}' to choose by.");
        }

        var best = ranked[0].Run;
        var value = best.Metrics[metric].Value.ToString("0.####", CultureInfo.InvariantCulture);
        var others = profiled.Count - comparable.Count;
        var reason = $"{(rules.Ascending ? "lowest" : "highest")} {metric} {value}{note} of {Count(ranked.Count, "comparable run")} on {reference.DataName}{forData}"
            + (rules.ExperimentName is { } experimentName ? $" in experiment '{experimentName}'" : "")
            + (others > 0 ? $"; {Count(others, "other run")} not compared" : "");
        return new ModelChoice(best, reason, metric, ranked.Count);
    }

    private static bool Has(Run run, string metric) => run.Metrics.TryGetValue(metric, out var m) && !double.IsNaN(m.Value);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Columns(DataReference data) =>
        data.Columns is { } c ? string.Join(", ", c.Take(6)) + (c.Count > 6 ? ", …" : "") : $"{data.ColumnCount} unnamed columns";

    private static async Task<(string? RunId, string Source)> ExplicitRunIdAsync(SelectionRules rules, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(rules.RunId))
        {
            return (rules.RunId.Trim(), rules.RunIdSource ?? "the run id setting");
        }

        if (rules.RunIdFile is null)
        {
            return (null, "");
        }

        var text = await Task.Run(() => RunIdFile.Read(rules.RunIdFile), cancellationToken).ConfigureAwait(false);
        return (text, $"the run id file '{rules.RunIdFile}'");
    }

    /// <summary>The metric that ranks runs already known to be comparable: <paramref name="metric"/>, or
    /// <see cref="RunProfile.DataQuantizationError"/> when <paramref name="metric"/> is measured in each
    /// run's scaled units and distance and the runs differ in scaling, encoding or distance (the rule
    /// <see cref="ChooseAsync"/> follows).</summary>
    public static string RankingMetric(IEnumerable<RunProfile> comparable, string metric)
    {
        ArgumentNullException.ThrowIfNull(comparable);
        return ScaledMetrics.Contains(metric) && UnitsThatDiffer([.. comparable]).Count > 0 ? RunProfile.DataQuantizationError : metric;
    }

    /// <summary>What sets a quantization error's units, by name, and its value in a profile.</summary>
    private sealed record UnitsPart(string Name, Func<RunProfile, string> Of);

    private static readonly UnitsPart[] UnitsParts =
    [
        new("scaling", p => p.Scaling ?? "unknown"),
        new("encoding", p => p.Encoder),
        new("distance", p => p.Distance),
    ];

    /// <summary>The parts of the quantization error's units in which the profiles differ.</summary>
    private static List<UnitsPart> UnitsThatDiffer(List<RunProfile> profiles) =>
        [.. UnitsParts.Where(part => profiles.Select(part.Of).Distinct(StringComparer.Ordinal).Skip(1).Any())];

    /// <summary>"scaling", "scaling and distance", "scaling, encoding and distance".</summary>
    private static string Words(List<UnitsPart> parts) => parts.Count switch
    {
        1 => parts[0].Name,
        _ => $"{string.Join(", ", parts.Take(parts.Count - 1).Select(p => p.Name))} and {parts[^1].Name}",
    };
}
