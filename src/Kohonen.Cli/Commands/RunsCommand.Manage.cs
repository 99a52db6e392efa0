using System.CommandLine;
using System.Text.Json;
using Kohonen.Cli.Settings;
using Kohonen.Tracking;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen runs delete|tag|rename</c>: changing what the store remembers.</summary>
internal static partial class RunsCommand
{
    private static Command Delete(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var ids = new Argument<string[]>("run-ids") { Description = $"The runs' ids (or prefixes of {RunIds.MinPrefixLength}+ characters).", Arity = ArgumentArity.OneOrMore };
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking." };
        var json = CommonOptions.Json();
        var command = new Command("delete", "Delete runs with their model and pictures (asks first unless --yes).") { ids, yes, tracking.Store, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, _) =>
        {
            var runs = new List<(Run Run, IReadOnlyList<string> Artifacts)>();
            foreach (var text in r.GetValue(ids)!)
            {
                var runId = await RunIds.ResolveAsync(store, text, cancellationToken);
                if (runs.All(x => x.Run.Info.RunId != runId))
                {
                    runs.Add((await store.GetRunAsync(runId, cancellationToken), await store.ListArtifactsAsync(runId, cancellationToken)));
                }
            }

            var listing = string.Join(", ", runs.Select(x => $"{RunIds.Short(x.Run.Info.RunId)} ({x.Run.Info.RunName}, {x.Run.Info.Status.ToName()}, {Artifacts(x.Artifacts.Count)})"));
            if (!r.GetValue(yes))
            {
                if (console.In is null)
                {
                    throw new UsageException($"runs delete asks before deleting {listing}; nobody can answer here: add --yes.");
                }

                console.Error.Write($"Delete {(runs.Count == 1 ? "run" : $"{runs.Count} runs")} {listing} with their artifacts? [y/N] ");
                var answer = (await console.In.ReadLineAsync(cancellationToken))?.Trim();
                if (answer is null)
                {
                    // No answer at all (end of input, as from a script): not a "no", a question nobody saw.
                    console.Error.WriteLine();
                    throw new UsageException($"runs delete asked before deleting {listing}, and its input ended without an answer; nothing deleted. Add --yes to delete without asking.");
                }

                if (answer is not ("y" or "Y" or "yes" or "YES" or "Yes"))
                {
                    console.Error.WriteLine("Nothing deleted.");
                    return;
                }
            }

            foreach (var (run, _) in runs)
            {
                await store.DeleteRunAsync(run.Info.RunId, cancellationToken);
            }

            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize<IReadOnlyList<DeletedRun>>(
                    [.. runs.Select(x => new DeletedRun(x.Run.Info.RunId, x.Run.Info.RunName, x.Artifacts))], CliJsonContext.Default.IReadOnlyListDeletedRun));
                return;
            }

            foreach (var (run, artifacts) in runs)
            {
                console.Out.WriteLine($"Deleted run {RunIds.Short(run.Info.RunId)} ({run.Info.RunName}) and its {Artifacts(artifacts.Count)}.");
            }
        }));
        return command;
    }

    private static string Artifacts(int count) => count == 1 ? "1 artifact" : $"{count} artifacts";

    private static Command Tag(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var id = RunIdArgument();
        var pairs = new Argument<string[]>("tags") { Description = "One or more key=value (a tag already set is overwritten).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("tag", "Set tags on a run.") { id, pairs, tracking.Store };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, _) =>
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in r.GetValue(pairs)!)
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new UsageException($"'{pair}' is not a tag: give key=value (a key before '=').");
                }

                tags[pair[..equals].Trim()] = pair[(equals + 1)..];
            }

            var runId = await RunIds.ResolveAsync(store, r.GetValue(id)!, cancellationToken);
            await store.SetTagsAsync(runId, tags, cancellationToken);
            console.Out.WriteLine($"Tagged run {RunIds.Short(runId)}: {string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}"))}.");
        }));
        return command;
    }

    private static Command Rename(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var id = RunIdArgument();
        var name = new Argument<string>("name") { Description = "The run's new name." };
        var command = new Command("rename", "Give a run a new name.") { id, name, tracking.Store };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, _) =>
        {
            var newName = r.GetValue(name)!.Trim();
            if (newName.Length == 0)
            {
                throw new UsageException("A run's name cannot be empty.");
            }

            var runId = await RunIds.ResolveAsync(store, r.GetValue(id)!, cancellationToken);
            var old = (await store.GetRunAsync(runId, cancellationToken)).Info.RunName;
            await store.RenameRunAsync(runId, newName, cancellationToken);
            console.Out.WriteLine($"Renamed run {RunIds.Short(runId)} from '{old}' to '{newName}'.");
        }));
        return command;
    }
}
