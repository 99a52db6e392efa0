using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>What the training commands hand to the session and take from its outcome: the run to
/// record, the tags that describe the data, the model file and the run id file.</summary>
internal static class Recording
{
    /// <summary>The run to record in <paramref name="store"/>, tagged with this tool's version as well
    /// as <paramref name="tags"/>; null when there is no store (--no-track).</summary>
    public static RunRecording? Run(ITrackingStore? store, string experiment, string runName, IReadOnlyDictionary<string, string> tags) =>
        store is null
            ? null
            : new RunRecording(store, experiment, runName, new Dictionary<string, string>(tags, StringComparer.Ordinal) { [DataFileTags.ToolVersionTag] = DataFileTags.ToolVersion });

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
            // A folder of shards: their bytes one after the other, named with a trailing slash.
            var file = Directory.Exists(path)
                ? DataFileTags.Of(Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) + "/", DataFiles.Shards(path))
                : DataFileTags.Of(Path.GetFileName(path), [path]);
            foreach (var (key, value) in file)
            {
                tags[key] = value;
            }
        }

        return tags;
    }

    /// <summary>Writes the trained model's bytes to <paramref name="path"/>, whole or not at all.</summary>
    public static void WriteModel(TrainingOutcome outcome, string path)
    {
        var bytes = outcome.ModelBytes ?? throw new InvalidOperationException("The session kept no model bytes; set KeepModelBytes.");
        AtomicFile.Write(path, s => s.Write(bytes));
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
