using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Kohonen.Cli.Settings;
using Kohonen.Tracking;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen experiments list|create|rename</c>: the groups runs belong to.</summary>
internal static class ExperimentsCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment) => new("experiments", "List, create and rename experiments (the groups of runs).")
    {
        List(console, environment),
        Make(console, environment),
        Rename(console, environment),
    };

    private static Command List(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var json = CommonOptions.Json();
        var command = new Command("list", "List the experiments with their number of runs.") { tracking.Store, json };
        command.SetAction((r, cancellationToken) => RunsCommand.Run(console, environment, r, tracking, async (store, settings) =>
        {
            var views = new List<ExperimentView>();
            foreach (var experiment in await store.ListExperimentsAsync(cancellationToken))
            {
                var runs = await store.SearchRunsAsync(new RunQuery { ExperimentIds = [experiment.ExperimentId], MaxResults = 10_000 }, cancellationToken);
                views.Add(new ExperimentView(experiment.ExperimentId, experiment.Name, experiment.CreationTime, runs.Count));
            }

            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize<IReadOnlyList<ExperimentView>>(views, CliJsonContext.Default.IReadOnlyListExperimentView));
                return;
            }

            if (views.Count == 0)
            {
                console.Out.WriteLine($"No experiments in {TrackingStores.Describe(store)}.");
                return;
            }

            console.Out.WriteLine($"Experiments in {TrackingStores.Describe(store)} (commands use '{settings.ExperimentName}' unless --experiment names another):");
            var table = new TextTable().Add("NAME", flexible: true, minWidth: 8).Add("ID", flexible: true, minWidth: 4).Add("RUNS", rightAligned: true).Add("CREATED (UTC)").Add("");
            foreach (var v in views)
            {
                table.Row(v.Name, v.ExperimentId, v.Runs.ToString(CultureInfo.InvariantCulture), v.CreationTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    v.Name == settings.ExperimentName ? "(default)" : "");
            }

            foreach (var line in table.Lines(console.TableWidth))
            {
                console.Out.WriteLine(line);
            }
        }));
        return command;
    }

    private static Command Make(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var name = new Argument<string>("name") { Description = "The new experiment's name (not yet taken)." };
        var command = new Command("create", "Create an experiment.") { name, tracking.Store };
        command.SetAction((r, cancellationToken) => RunsCommand.Run(console, environment, r, tracking, async (store, _) =>
        {
            var experiment = await store.CreateExperimentAsync(Name(r.GetValue(name)), cancellationToken);
            console.Out.WriteLine($"Created experiment '{experiment.Name}' (id {experiment.ExperimentId}).");
        }));
        return command;
    }

    private static Command Rename(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var old = new Argument<string>("name") { Description = "The experiment's name now." };
        var name = new Argument<string>("new-name") { Description = "Its new name (not yet taken)." };
        var command = new Command("rename", "Give an experiment a new name; its runs stay in it.") { old, name, tracking.Store };
        command.SetAction((r, cancellationToken) => RunsCommand.Run(console, environment, r, tracking, async (store, _) =>
        {
            var oldName = r.GetValue(old)!;
            var experiment = await store.GetExperimentByNameAsync(oldName, cancellationToken)
                ?? throw new UsageException($"There is no experiment named '{oldName}'.");
            var newName = Name(r.GetValue(name));
            await store.RenameExperimentAsync(experiment.ExperimentId, newName, cancellationToken);
            console.Out.WriteLine($"Renamed experiment '{oldName}' to '{newName}'.");
        }));
        return command;
    }

    private static string Name(string? text) =>
        text?.Trim() is { Length: > 0 } name ? name : throw new UsageException("An experiment's name cannot be empty.");
}
