using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Kohonen.Cli.Settings;
using Kohonen.Tracking;
using Spectre.Console;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen runs list|show|best|compare|export|delete|tag|rename|gc</c>: what the store remembers.</summary>
internal static partial class RunsCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment) => new("runs", "List, show, rank, compare, export, tag, rename, delete and clean up recorded runs.")
    {
        List(console, environment),
        Show(console, environment),
        Best(console, environment),
        Compare(console, environment),
        Export(console, environment),
        Delete(console, environment),
        Tag(console, environment),
        Rename(console, environment),
        Gc(console, environment),
    };

    private static Command List(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var all = new Option<bool>("--all-experiments") { Description = "List the runs of every experiment." };
        var orderBy = new Option<string?>("--order-by") { Description = "Order by this metric, lowest first (runs without it last); default: newest first." };
        var descending = new Option<bool>("--descending") { Description = "With --order-by: highest first." };
        var status = EnumOption.Create<RunStatus>("--status", "Only runs in this state");
        var limit = new Option<int>("--limit") { Description = "At most this many runs (1..10000).", DefaultValueFactory = _ => 20 };
        var json = CommonOptions.Json();
        var command = new Command("list", "List the runs of an experiment (or of all), newest first or by a metric.") { tracking.Store, tracking.Experiment, all, orderBy, descending, status, limit, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, settings) =>
        {
            var count = r.GetValue(limit);
            if (count is < 1 or > 10_000)
            {
                throw new UsageException($"--limit must be in 1..10000; got {count}.");
            }

            if (r.GetValue(all) && r.GetValue(tracking.Experiment) is not null)
            {
                throw new UsageException("--all-experiments and --experiment contradict each other; give one.");
            }

            var experiment = r.GetValue(all) ? null : await ExperimentAsync(store, r.GetValue(tracking.Experiment), settings, cancellationToken);
            var names = await ExperimentNamesAsync(store, cancellationToken);
            var metricKey = r.GetValue(orderBy);
            var runs = await store.SearchRunsAsync(new RunQuery
            {
                ExperimentIds = experiment is null ? null : [experiment.ExperimentId],
                Status = r.GetValue(status) is { } s ? OptionText.Parse<RunStatus>(s, "--status") : null,
                OrderByMetric = metricKey,
                Ascending = !r.GetValue(descending),
                MaxResults = count,
            }, cancellationToken);
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(
                    new RunList(TrackingStores.Describe(store), experiment?.Name, [.. runs.Select(x => RunView.Of(x, names.GetValueOrDefault(x.Info.ExperimentId)))]),
                    CliJsonContext.Default.RunList));
                return;
            }

            var scope = experiment is null ? "every experiment" : $"experiment '{experiment.Name}'";
            if (runs.Count == 0)
            {
                var wanted = r.GetValue(status) is { } asked ? $"{OptionText.Parse<RunStatus>(asked, "--status").ToName()} " : "";
                console.Out.WriteLine($"No {wanted}runs in {scope} ({TrackingStores.Describe(store)}).");
                return;
            }

            var order = metricKey is null ? "newest first" : $"by {metricKey}, {(r.GetValue(descending) ? "highest" : "lowest")} first";
            console.Out.WriteLine($"Runs of {scope}, {order} ({TrackingStores.Describe(store)}):");
            var metric = metricKey ?? "quantization_error";
            var table = new TextTable()
                .Add("ID")
                .Add("EXPERIMENT", flexible: true, minWidth: 6)
                .Add("NAME", flexible: true, minWidth: 8)
                .Add("DATA", flexible: true, minWidth: 6)
                .Add("STATUS")
                .Add("STARTED")
                .Add(metricKey is null ? "QE" : metricKey.ToUpperInvariant(), flexible: true, minWidth: 6, rightAligned: true);
            foreach (var run in runs)
            {
                table.Row(
                    RunIds.Short(run.Info.RunId),
                    names.GetValueOrDefault(run.Info.ExperimentId) ?? run.Info.ExperimentId,
                    run.Info.RunName,
                    RunProfile.Of(run).DataName,
                    StatusText(run),
                    run.Info.StartedAt.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture),
                    run.Metrics.TryGetValue(metric, out var v) ? Number(v.Value, "0.####") : "–");
            }

            foreach (var line in table.Lines(console.TableWidth))
            {
                console.Out.WriteLine(line);
            }
        }));
        return command;
    }

    private static Command Show(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var id = RunIdArgument();
        var json = CommonOptions.Json();
        var command = new Command("show", "Show a run: params, metrics with their per-step history, tags and artifacts.") { id, tracking.Store, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, _) =>
        {
            var details = await DetailsAsync(store, r.GetValue(id)!, cancellationToken);
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(details, CliJsonContext.Default.RunDetails));
                return;
            }

            var run = details.Run;
            console.Out.WriteLine($"run          {run.RunId}");
            console.Out.WriteLine($"name         {run.RunName}");
            console.Out.WriteLine($"experiment   {run.ExperimentName ?? "?"} (id {run.ExperimentId})");
            console.Out.WriteLine($"status       {run.Status}");
            console.Out.WriteLine($"started      {run.StartTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
            console.Out.WriteLine($"ended        {run.EndTime?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" ?? "(running)"}");
            Section(console, "params", run.Params.Select(p => (p.Key, p.Value)));
            Section(console, "metrics (latest)", run.Metrics.Select(m => (m.Key, Number(m.Value))));
            Section(console, "tags", run.Tags.Select(t => (t.Key, TagText(t.Key, t.Value))));
            var stepped = details.History.Where(h => h.Value.Count > 1).Select(h => h.Key).ToList();
            if (stepped.Count > 0)
            {
                console.Out.WriteLine("history");
                var table = new Table().Border(TableBorder.Simple).AddColumn(new TableColumn("step").RightAligned());
                foreach (var key in stepped)
                {
                    table.AddColumn(new TableColumn(Markup.Escape(key)).RightAligned());
                }

                var steps = stepped.SelectMany(k => details.History[k].Select(p => p.Step)).Distinct().Order();
                foreach (var step in steps)
                {
                    table.AddRow([step.ToString(CultureInfo.InvariantCulture), .. stepped.Select(k => details.History[k].LastOrDefault(p => p.Step == step) is { } p ? Number(p.Value) : "")]);
                }

                console.OutConsole.Write(table);
            }

            Section(console, "artifacts", details.Artifacts.Select(a => (a, "")));
        }));
        return command;
    }

    /// <summary>A tag's value as shown: the owner's start and heartbeat (Unix milliseconds) as UTC times
    /// beside the stored number; every other tag as it is.</summary>
    internal static string TagText(string key, string value) =>
        key is RunOwner.HeartbeatTag or RunOwner.StartedTag
        && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
        && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? $"{DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC ({value})"
            : value;

    private static Command Best(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var metric = new Option<string?>("--metric") { Description = "The metric to rank by (default: SOM_METRIC_KEY, else quantization_error)." };
        var descending = new Option<bool>("--descending") { Description = "Highest first (default: SOM_METRIC_ASCENDING, else lowest first)." };
        var data = new Option<string?>("--data") { Description = $"Rank the runs trained on this file (else those whose features it has); default: the runs comparable with the most recent one ({DataFiles.Allowed})." };
        var json = CommonOptions.Json();
        var command = new Command("best", "The best FINISHED run by a metric among comparable runs (same data and features), and why.") { metric, descending, data, tracking.Store, tracking.Experiment, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, settings) =>
        {
            var experiment = r.GetValue(tracking.Experiment) ?? settings.ExperimentName;
            var rules = settings.Selection with
            {
                ForceBest = true,
                MetricKey = r.GetValue(metric) ?? settings.Selection.MetricKey,
                Ascending = !r.GetValue(descending) && settings.Selection.Ascending,
                ExperimentName = experiment,
                Data = r.GetValue(data) is { } file ? await DataReferences.OfAsync(file, "--data", null, cancellationToken) : null,
            };
            var choice = await ModelSelector.ChooseAsync(store, rules, cancellationToken);
            var best = choice.Run;
            var key = choice.MetricKey!;
            var value = best.Metrics[key].Value;
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(
                    new BestRun(key, rules.Ascending, value, choice.Reason, choice.ComparableRuns, RunView.Of(best, experiment)), CliJsonContext.Default.BestRun));
                return;
            }

            console.Out.WriteLine($"{best.Info.RunId}  {best.Info.RunName}  {key} = {Number(value)}");
            console.Out.WriteLine(choice.Describe("Best"));
        }));
        return command;
    }

    private static Command Compare(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var ids = new Argument<string[]>("run-ids") { Description = "Two or more run ids (or unique prefixes of 6+ characters).", Arity = ArgumentArity.OneOrMore };
        var json = CommonOptions.Json();
        var command = new Command("compare", "Runs side by side: data, scaling, features, params and metrics; marks runs not comparable with the first.") { ids, tracking.Store, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, _) =>
        {
            var runs = new List<Run>();
            foreach (var text in r.GetValue(ids)!)
            {
                var runId = await RunIds.ResolveAsync(store, text, cancellationToken);
                if (runs.All(x => x.Info.RunId != runId))
                {
                    runs.Add(await store.GetRunAsync(runId, cancellationToken));
                }
            }

            var names = await ExperimentNamesAsync(store, cancellationToken);
            var profiles = runs.Select(RunProfile.Of).ToList();
            var compared = runs.Select((x, i) =>
            {
                var p = profiles[i];
                var comparable = p.IsComparableWith(profiles[0]);
                return new ComparedRun(RunView.Of(x, names.GetValueOrDefault(x.Info.ExperimentId)), p.DataFile, p.Rows, p.Scaling, p.Schema, comparable,
                    comparable ? null : profiles[0].DifferenceFrom(p));
            }).ToList();
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize<IReadOnlyList<ComparedRun>>(compared, CliJsonContext.Default.IReadOnlyListComparedRun));
                return;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumn("");
            foreach (var run in runs)
            {
                table.AddColumn(new TableColumn(Markup.Escape($"{RunIds.Short(run.Info.RunId)} {run.Info.RunName}")).RightAligned());
            }

            void Row(string label, IEnumerable<string> values)
            {
                var list = values.ToList();
                var differs = list.Distinct().Count() > 1;
                table.AddRow([Markup.Escape((differs ? "* " : "  ") + label), .. list.Select(Markup.Escape)]);
            }

            table.AddRow(["  comparable", .. compared.Select((c, i) => i == 0 ? "(reference)" : c.Comparable ? "yes" : "NO")]);
            Row("experiment", runs.Select(x => names.GetValueOrDefault(x.Info.ExperimentId) ?? x.Info.ExperimentId));
            Row("status", runs.Select(x => x.Info.Status.ToName()));
            Row("data file", profiles.Select(p => p.DataName));
            Row("data rows", profiles.Select(p => p.Rows ?? "–"));
            Row("features", profiles.Select(p => p.SchemaSummary));
            Row("scaling", profiles.Select(p => p.Scaling ?? "–"));
            foreach (var key in runs.SelectMany(x => x.Params.Keys).Distinct().Where(k => k != "scaling").Order(StringComparer.Ordinal))
            {
                // A param recorded only when not its default (the distance) shows the default.
                Row(key, runs.Select(x => x.Params.TryGetValue(key, out var v) ? v : key == "distance" ? "euclidean" : "–"));
            }

            foreach (var key in runs.SelectMany(x => x.Metrics.Keys).Distinct().Order(StringComparer.Ordinal))
            {
                table.AddRow([Markup.Escape("  " + key), .. runs.Select(x => x.Metrics.TryGetValue(key, out var m) ? Number(m.Value) : "–")]);
            }

            console.OutConsole.Write(table);
            console.Out.WriteLine("(* values that differ)");
            foreach (var c in compared.Where(c => !c.Comparable))
            {
                console.Out.WriteLine($"Run {RunIds.Short(c.Run.RunId)} is not comparable with {RunIds.Short(runs[0].Info.RunId)}: {c.Difference}; its metrics are not measured on the same data.");
            }
        }));
        return command;
    }

    private static Command Export(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var id = RunIdArgument();
        var output = new Option<string>("--out") { Description = "A new or empty folder to write run.json and the artifacts into.", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("export", "Write a run (run.json with params, metrics and history) and its artifacts to a folder.") { id, output, tracking.Store, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, _) =>
        {
            var folder = Path.GetFullPath(r.GetValue(output)!);
            if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
            {
                throw new UsageException($"--out: '{folder}' is a file or a folder that is not empty; give a new or empty folder.");
            }

            var details = await DetailsAsync(store, r.GetValue(id)!, cancellationToken);
            Directory.CreateDirectory(folder);
            var files = new List<string>();
            foreach (var artifact in details.Artifacts)
            {
                var bytes = await store.ReadArtifactAsync(details.Run.RunId, artifact, cancellationToken);
                var target = Path.Combine([folder, .. artifact.Split('/')]);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                AtomicFile.WriteAllBytes(target, bytes);
                files.Add(artifact);
            }

            AtomicFile.WriteAllBytes(Path.Combine(folder, "run.json"), JsonSerializer.SerializeToUtf8Bytes(details, CliJsonContext.Default.RunDetails));
            files.Add("run.json");
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(new ExportedRun(details.Run.RunId, folder, files), CliJsonContext.Default.ExportedRun));
                return;
            }

            console.Out.WriteLine($"Exported run {details.Run.RunId} to {folder}: {string.Join(", ", files)}.");
        }));
        return command;
    }

    private static async Task<RunDetails> DetailsAsync(ITrackingStore store, string idOrPrefix, CancellationToken cancellationToken)
    {
        var runId = await RunIds.ResolveAsync(store, idOrPrefix, cancellationToken);
        var run = await store.GetRunAsync(runId, cancellationToken);
        var history = new SortedDictionary<string, IReadOnlyList<MetricPoint>>(StringComparer.Ordinal);
        foreach (var key in run.Metrics.Keys)
        {
            history[key] = [.. (await store.GetMetricHistoryAsync(runId, key, cancellationToken))
                .Select(m => new MetricPoint(m.Step, m.Value, DateTimeOffset.FromUnixTimeMilliseconds(m.Timestamp)))];
        }

        var experiment = await store.GetExperimentAsync(run.Info.ExperimentId, cancellationToken);
        return new RunDetails(RunView.Of(run, experiment?.Name), history, await store.ListArtifactsAsync(runId, cancellationToken));
    }

    /// <summary>The run id argument: the whole id or a unique prefix.</summary>
    internal static Argument<string> RunIdArgument() =>
        new("run-id") { Description = $"The run's id, or a prefix of {RunIds.MinPrefixLength} or more characters that no other run's id starts with." };

    /// <summary>The experiment --experiment names, else the settings' (MLFLOW_EXPERIMENT_NAME, else 'kohonen').</summary>
    internal static async Task<Experiment> ExperimentAsync(ITrackingStore store, string? flag, KohonenSettings settings, CancellationToken cancellationToken)
    {
        var name = flag ?? settings.ExperimentName;
        return await store.GetExperimentByNameAsync(name, cancellationToken)
            ?? throw new UsageException(flag is null
                ? $"There is no experiment named '{name}' (the default: set --experiment or MLFLOW_EXPERIMENT_NAME; 'kohonen experiments list' shows them)."
                : $"--experiment: there is no experiment named '{name}'.");
    }

    /// <summary>Experiment names by id.</summary>
    internal static async Task<Dictionary<string, string>> ExperimentNamesAsync(ITrackingStore store, CancellationToken cancellationToken) =>
        (await store.ListExperimentsAsync(cancellationToken)).ToDictionary(e => e.ExperimentId, e => e.Name, StringComparer.Ordinal);

    private static void Section(CliConsole console, string title, IEnumerable<(string Key, string Value)> rows)
    {
        var list = rows.ToList();
        console.Out.WriteLine(title + (list.Count == 0 ? "  (none)" : ""));
        foreach (var (key, value) in list)
        {
            console.Out.WriteLine($"  {key,-28}{value}");
        }
    }

    internal static string Number(double value, string format = "0.######") =>
        double.IsNaN(value) ? "NaN" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Opens the store, runs the body, closes the store; exit codes as every command.</summary>
    internal static Task<int> Run(CliConsole console, CliEnvironment environment, ParseResult result, TrackingOptions tracking, Func<ITrackingStore, KohonenSettings, Task> body) =>
        CommandRunner.RunAsync(console, CommonOptions.IsVerbose(result, environment), async () =>
        {
            var settings = KohonenSettings.Load(environment);
            var store = TrackingStores.Open(settings, result.GetValue(tracking.Store), create: false);
            try
            {
                await body(store, settings).ConfigureAwait(false);
            }
            finally
            {
                TrackingStores.Close(store);
            }

            return ExitCodes.Success;
        });
}
