namespace Kohonen.Tracking;

/// <summary>A named group of runs.</summary>
/// <param name="ExperimentId">The store's id of the experiment.</param>
/// <param name="Name">Its unique name.</param>
/// <param name="CreationTime">When it was created.</param>
public sealed record Experiment(string ExperimentId, string Name, DateTimeOffset CreationTime);
