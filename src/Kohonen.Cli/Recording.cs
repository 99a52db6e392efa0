using System.Reflection;
using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>What the training commands hand to the session and take from its outcome: the run to
/// record, the tags that describe the data, the model file and the run id file.</summary>
internal static class Recording
{
    /// <summary>This tool's version, as a tag on every run.</summary>
    public static string ToolVersion { get; } =
        typeof(Recording).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The run to record in <paramref name="store"/>, tagged with this tool's version as well
    /// as <paramref name="tags"/>; null when there is no store (--no-track).</summary>
    public static RunRecording? Run(ITrackingStore? store, string experiment, string runName, IReadOnlyDictionary<string, string> tags) =>
        store is null
            ? null
            : new RunRecording(store, experiment, runName, new Dictionary<string, string>(tags, StringComparer.Ordinal) { ["tool_version"] = ToolVersion });

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
        if (path is not null && Directory.Exists(path))
        {
            // A folder of shards: their bytes one after the other.
            var shards = DataFiles.Shards(path);
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            foreach (var shard in shards)
            {
                using var stream = File.OpenRead(shard);
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }

            tags["data_file"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) + "/";
            tags["data_bytes"] = shards.Sum(f => new FileInfo(f).Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
            tags["data_sha256"] = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        else if (path is not null)
        {
            var info = new FileInfo(path);
            tags["data_file"] = info.Name;
            tags["data_bytes"] = info.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var stream = info.OpenRead();
            tags["data_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
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
