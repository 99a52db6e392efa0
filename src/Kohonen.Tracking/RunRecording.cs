namespace Kohonen.Tracking;

/// <summary>Where and how a <see cref="TrainingSession"/> records its training as a run.</summary>
/// <param name="Store">The store the run goes to.</param>
/// <param name="ExperimentName">The experiment (created when missing).</param>
/// <param name="RunName">The run's name.</param>
/// <param name="Tags">Tags to set on the run (data file, tool version, …); none when null.</param>
public sealed record RunRecording(ITrackingStore Store, string ExperimentName, string RunName, IReadOnlyDictionary<string, string>? Tags = null);
