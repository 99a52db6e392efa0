namespace Kohonen.Tracking;

/// <summary>The run <see cref="ModelSelector"/> chose and why, in one line.</summary>
/// <param name="Run">The chosen run.</param>
/// <param name="Reason">Why, for people: "lowest quantization_error 0.61 of 7 comparable runs on
/// wine_train.csv" or "named by the run id setting".</param>
/// <param name="MetricKey">The metric it was ranked by; null when it was named.</param>
/// <param name="ComparableRuns">How many runs it was ranked among (0 when it was named).</param>
public sealed record ModelChoice(Run Run, string Reason, string? MetricKey, int ComparableRuns)
{
    /// <summary>"VERB run 829c1f04 (wine_train): REASON", e.g. with "Serving" or "Using the model of".</summary>
    public string Describe(string verb) => $"{verb} run {RunIds.Short(Run.Info.RunId)} ({Run.Info.RunName}): {Reason}.";
}
