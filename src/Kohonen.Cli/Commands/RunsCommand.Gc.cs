using System.CommandLine;
using System.Globalization;
using Kohonen.Cli.Settings;
using Kohonen.Tracking;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen runs gc</c>: makes the state of runs whose training was killed truthful.</summary>
internal static partial class RunsCommand
{
    /// <summary>How old a temporary file whose name carries no process id (an older version's) must be
    /// before it counts as left behind.</summary>
    private static readonly TimeSpan UnownedTemporaryAge = TimeSpan.FromHours(1);

    private static Command Gc(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var outputs = new Option<string[]>("--outputs") { Description = "Folders where models were written (--out): delete the temporary files killed trainings left there too.", AllowMultipleArgumentsPerToken = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be done, change nothing." };
        var command = new Command("gc", "Mark RUNNING runs whose training was killed (owner process gone, or no heartbeat for 2 minutes) FAILED, or FINISHED when their model and final metrics were written; delete the temporary files killed trainings left behind.")
        {
            tracking.Store, outputs, dryRun,
        };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, _) =>
        {
            var dry = r.GetValue(dryRun);
            var marked = 0;
            var running = await store.SearchRunsAsync(new RunQuery { Status = RunStatus.Running, MaxResults = 10_000 }, cancellationToken);
            foreach (var run in running)
            {
                var liveness = RunOwner.Liveness(run);
                if (liveness is not (RunLiveness.OwnerGone or RunLiveness.Stale))
                {
                    continue;
                }

                var finished = await HasWholeModelAsync(store, run, cancellationToken);
                var status = finished ? RunStatus.Finished : RunStatus.Failed;
                var why = liveness == RunLiveness.OwnerGone
                    ? $"its process ({run.Tags.GetValueOrDefault(RunOwner.ProcessTag)} on {run.Tags.GetValueOrDefault(RunOwner.HostTag)}) is gone"
                    : $"it has had no heartbeat for over {RunOwner.StaleAfter.TotalMinutes:0} minutes";
                if (!dry)
                {
                    await store.SetTagsAsync(run.Info.RunId, new Dictionary<string, string> { ["kohonen.ended_by"] = $"runs gc: {why}" }, cancellationToken);
                    await store.EndRunAsync(run.Info.RunId, status, cancellationToken);
                }

                console.Out.WriteLine($"{(dry ? "Would mark" : "Marked")} run {RunIds.Short(run.Info.RunId)} ({run.Info.RunName}) {status.ToName()}: {why}; {(finished ? "its model and final metrics were written" : "it wrote no usable model")}.");
                marked++;
            }

            var folders = new List<(string Folder, bool Recursive)>();
            if (store is SqliteTrackingStore sqlite)
            {
                folders.Add((Path.Combine(sqlite.DataDirectory, "artifacts"), true));
            }

            foreach (var folder in r.GetValue(outputs) ?? [])
            {
                if (!Directory.Exists(folder))
                {
                    throw new UsageException($"--outputs: '{folder}' is not a folder.");
                }

                folders.Add((Path.GetFullPath(folder), false));
            }

            var deleted = 0;
            foreach (var (folder, recursive) in folders.Where(f => Directory.Exists(f.Folder)))
            {
                foreach (var file in Directory.EnumerateFiles(folder, "*.tmp-*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly))
                {
                    if (IsLeftover(new FileInfo(file)))
                    {
                        if (!dry)
                        {
                            File.Delete(file);
                        }

                        console.Out.WriteLine($"{(dry ? "Would delete" : "Deleted")} {file}: a temporary file whose writer is gone.");
                        deleted++;
                    }
                }
            }

            console.Out.WriteLine($"{(dry ? "Would mark" : "Marked")} {marked} of {running.Count} RUNNING run(s); {(dry ? "would delete" : "deleted")} {deleted} temporary file(s).");
        }));
        return command;
    }

    /// <summary>Whether a run wrote its final metrics and a model that loads: it had finished its work
    /// when it was killed.</summary>
    private static async Task<bool> HasWholeModelAsync(ITrackingStore store, Run run, CancellationToken cancellationToken)
    {
        if (!run.Metrics.ContainsKey("final_quantization_error")
            || !(await store.ListArtifactsAsync(run.Info.RunId, cancellationToken)).Contains("model.som"))
        {
            return false;
        }

        try
        {
            SomFile.FromBytes(await store.ReadArtifactAsync(run.Info.RunId, "model.som", cancellationToken), "model.som");
            return true;
        }
        catch (Exception e) when (e is SomFormatException or TrackingException or IOException)
        {
            return false;
        }
    }

    /// <summary>A temporary file (<c>name.tmp-PID-hex</c>) whose writing process is gone, or was started
    /// after the file was last written (its id given again); one without a process id when it is older
    /// than <see cref="UnownedTemporaryAge"/>.</summary>
    private static bool IsLeftover(FileInfo file)
    {
        var at = file.Name.LastIndexOf(".tmp-", StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var rest = file.Name[(at + 5)..];
        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            var written = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero).ToUnixTimeMilliseconds();
            return !RunOwner.IsRunning(pid, written);
        }

        return DateTime.UtcNow - file.LastWriteTimeUtc > UnownedTemporaryAge;
    }

    /// <summary>The status as <c>runs list</c> shows it: a RUNNING run whose training was killed says so.</summary>
    private static string StatusText(Run run) => RunOwner.Liveness(run) switch
    {
        RunLiveness.OwnerGone => "RUNNING (dead)",
        RunLiveness.Stale => "RUNNING (stale)",
        _ => run.Info.Status.ToName(),
    };
}
