using System.Reflection;
using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>A training, recorded as a run in the store or not: the model, the run's id (null when not
/// recorded) and the training time.</summary>
internal sealed record RecordedModel(SomModel Model, string? RunId, TimeSpan TrainTime);

/// <summary>Trains with progress for a person and, unless told not to, records the run: params, QE and TE
/// per step, final metrics, tags, the model and the pictures.</summary>
internal static class Recording
{
    /// <summary>This tool's version, as a tag on every run.</summary>
    public static string ToolVersion { get; } =
        typeof(Recording).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Trains (recording the run in <paramref name="store"/> unless it is null) with progress
    /// lines or a bar, as <see cref="TrainingRunner"/>; <paramref name="pictures"/> become artifacts.</summary>
    public static RecordedModel Train(
        ITrackingStore? store, string experiment, string runName, SomTrainer trainer, DataMatrix data,
        IReadOnlyDictionary<string, string> tags, Func<SomModel, IEnumerable<(string Path, byte[] Content)>> pictures,
        CliConsole console, bool quiet, string label, CancellationToken cancellationToken) =>
        Train(store, experiment, runName, trainer.Options, p => trainer.Fit(data, p, cancellationToken), m => QualityMetrics.OfTraining(m, data),
            tags, pictures, console, quiet, label, cancellationToken);

    /// <summary>Any training (<paramref name="fit"/>), recorded with <paramref name="finalMetrics"/> as its
    /// final QE and TE (data streamed from a file, say).</summary>
    public static RecordedModel Train(
        ITrackingStore? store, string experiment, string runName, SomOptions options,
        Func<IProgress<TrainingProgress>?, SomModel> fit, Func<SomModel, (double QuantizationError, double TopographicError)> finalMetrics,
        IReadOnlyDictionary<string, string> tags, Func<SomModel, IEnumerable<(string Path, byte[] Content)>> pictures,
        CliConsole console, bool quiet, string label, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            var (model, time) = TrainingRunner.Train(fit, console, quiet, label, options.Iterations);
            return new RecordedModel(model, null, time);
        }

        var allTags = new Dictionary<string, string>(tags, StringComparer.Ordinal) { ["tool_version"] = ToolVersion };
        RecordedTraining recorded = null!;
        var (_, total) = TrainingRunner.Train(p =>
        {
            recorded = TrainingRecorder.TrainAsync(store, experiment, runName, options, (progress, _) => fit(progress), finalMetrics, allTags, pictures, p,
                cancellationToken: cancellationToken).GetAwaiter().GetResult();
            return recorded.Model;
        }, console, quiet, label, options.Iterations);
        return new RecordedModel(recorded.Model, recorded.RunId, TimeSpan.FromSeconds(recorded.TrainSeconds) is var t && t < total ? t : total);
    }

    /// <summary>Tags that say what the data was: file name, size and SHA-256, or how it was made.</summary>
    public static Dictionary<string, string> DataTags(string? path, DataMatrix data) => DataTags(path, data.Rows, data.Columns);

    /// <summary><see cref="DataTags(string?, DataMatrix)"/> for data of this shape (streamed, say).</summary>
    public static Dictionary<string, string> DataTags(string? path, int rows, int columns)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["data_rows"] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["data_columns"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (path is not null)
        {
            var info = new FileInfo(path);
            tags["data_file"] = info.Name;
            tags["data_bytes"] = info.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var stream = info.OpenRead();
            tags["data_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        }

        return tags;
    }

    /// <summary>Writes the run id to the file named by --run-id-file, whole or not at all.</summary>
    public static void WriteRunIdFile(string? path, string? runId)
    {
        if (path is not null && runId is not null)
        {
            AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(runId + "\n"));
        }
    }
}
