using System.CommandLine;

namespace Kohonen.Cli.Commands;

/// <summary>The flags of commands that record or read runs.</summary>
internal sealed class TrackingOptions
{
    public Option<string?> Store { get; } = new("--store") { Description = "The embedded store's folder (default: KOHONEN_DATA, else ./kohonen-data; MLFLOW_TRACKING_URI sends runs to an MLflow server instead)." };

    public Option<string?> Experiment { get; } = new("--experiment") { Description = "The experiment (default: MLFLOW_EXPERIMENT_NAME, else 'kohonen')." };

    public IEnumerable<Option> Both => [Store, Experiment];
}

/// <summary>The flags of commands that train and record a run.</summary>
internal sealed class RecordingOptions
{
    public TrackingOptions Tracking { get; } = new();

    public Option<string?> RunName { get; } = new("--run-name") { Description = "The run's name (default: SOM_RUN_NAME, else the data's name)." };

    public Option<string?> RunIdFile { get; } = new("--run-id-file") { Description = "Write the new run's id to this file (for SOM_RUN_ID_FILE)." };

    public Option<bool> NoTrack { get; } = new("--no-track") { Description = "Do not record the run in the store." };

    public IEnumerable<Option> All => [.. Tracking.Both, RunName, RunIdFile, NoTrack];
}
