namespace Kohonen;

/// <summary>
/// Reports training progress by calling an action on the training thread, at once. Unlike
/// <see cref="Progress{T}"/>, which posts each report to the thread pool (so reports can arrive late
/// and out of order), this keeps them in order and lets the callback cancel the training in time.
/// </summary>
public sealed class ProgressCallback(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    /// <inheritdoc />
    public void Report(TrainingProgress value) => report(value);
}
