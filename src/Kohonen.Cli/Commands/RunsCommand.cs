using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Kohonen.Cli.Settings;
using Kohonen.Tracking;
using Spectre.Console;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen runs list|show|best|compare|export</c>: what the store remembers.</summary>
internal static class RunsCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment) => new("runs", "List, show, rank, compare and export recorded runs.")
    {
        List(console, environment),
        Show(console, environment),
        Best(console, environment),
        Compare(console, environment),
        Export(console, environment),
    };

    private static Command List(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var orderBy = new Option<string?>("--order-by") { Description = "Order by this metric, lowest first (runs without it last); default: newest first." };
        var descending = new Option<bool>("--descending") { Description = "With --order-by: highest first." };
        var status = EnumOption.Create<RunStatus>("--status", "Only runs in this state");
        var limit = new Option<int>("--limit") { Description = "At most this many runs (1..10000).", DefaultValueFactory = _ => 20 };
        var json = CommonOptions.Json();
        var command = new Command("list", "List runs, newest first or by a metric.") { tracking.Store, tracking.Experiment, orderBy, descending, status, limit, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, settings) =>
        {
            var count = r.GetValue(limit);
            if (count is < 1 or > 10_000)
            {
                throw new UsageException($"--limit must be in 1..10000; got {count}.");
            }

            var experiment = r.GetValue(tracking.Experiment);
            var runs = await store.SearchRunsAsync(new RunQuery
            {
                ExperimentIds = experiment is null ? null : [(await ExperimentAsync(store, experiment, cancellationToken)).ExperimentId],
                Status = r.GetValue(status) is { } s ? OptionText.Parse<RunStatus>(s, "--status") : null,
                OrderByMetric = r.GetValue(orderBy),
                Ascending = !r.GetValue(descending),
                MaxResults = count,
            }, cancellationToken);
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(new RunList(TrackingStores.Describe(store), [.. runs.Select(RunView.Of)]), CliJsonContext.Default.RunList));
                return;
            }

            if (runs.Count == 0)
            {
                console.Out.WriteLine($"No runs in {TrackingStores.Describe(store)}{(experiment is null ? "" : $" (experiment '{experiment}')")}.");
                return;
            }

            var metricColumns = new List<string> { "quantization_error", "topographic_error" };
            if (r.GetValue(orderBy) is { } key && !metricColumns.Contains(key))
            {
                metricColumns.Insert(0, key);
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("run id", "name", "status", "started (UTC)", "time (s)");
            foreach (var metric in metricColumns)
            {
                table.AddColumn(new TableColumn(Markup.Escape(metric)).RightAligned());
            }

            foreach (var run in runs)
            {
                var cells = new List<string>
                {
                    run.Info.RunId,
                    Markup.Escape(run.Info.RunName),
                    run.Info.Status.ToName(),
                    run.Info.StartedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    run.Metrics.TryGetValue("train_seconds", out var seconds) ? Number(seconds.Value, "0.000") : "",
                };
                cells.AddRange(metricColumns.Select(m => run.Metrics.TryGetValue(m, out var v) ? Number(v.Value) : "–"));
                table.AddRow([.. cells]);
            }

            console.OutConsole.Write(table);
        }));
        return command;
    }

    private static Command Show(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var id = new Argument<string>("run-id") { Description = "The run's id." };
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
            console.Out.WriteLine($"experiment   {run.ExperimentId}");
            console.Out.WriteLine($"status       {run.Status}");
            console.Out.WriteLine($"started      {run.StartTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
            console.Out.WriteLine($"ended        {run.EndTime?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" ?? "(running)"}");
            Section(console, "params", run.Params.Select(p => (p.Key, p.Value)));
            Section(console, "metrics (latest)", run.Metrics.Select(m => (m.Key, Number(m.Value))));
            Section(console, "tags", run.Tags.Select(t => (t.Key, t.Value)));
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

    private static Command Best(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var metric = new Option<string?>("--metric") { Description = "The metric to rank by (default: SOM_METRIC_KEY, else quantization_error)." };
        var descending = new Option<bool>("--descending") { Description = "Highest first (default: SOM_METRIC_ASCENDING, else lowest first)." };
        var json = CommonOptions.Json();
        var command = new Command("best", "The best FINISHED run by a metric (runs without it never win).") { metric, descending, tracking.Store, tracking.Experiment, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, settings) =>
        {
            var rules = settings.Selection with
            {
                ForceBest = true,
                MetricKey = r.GetValue(metric) ?? settings.Selection.MetricKey,
                Ascending = !r.GetValue(descending) && settings.Selection.Ascending,
                ExperimentName = r.GetValue(tracking.Experiment),
            };
            var best = await ModelSelector.SelectAsync(store, rules, cancellationToken);
            var value = best.Metrics[rules.MetricKey].Value;
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(new BestRun(rules.MetricKey, rules.Ascending, value, RunView.Of(best)), CliJsonContext.Default.BestRun));
                return;
            }

            console.Out.WriteLine($"{best.Info.RunId}  {best.Info.RunName}  {rules.MetricKey} = {Number(value)} ({(rules.Ascending ? "lowest" : "highest")} of the finished runs)");
        }));
        return command;
    }

    private static Command Compare(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var ids = new Argument<string[]>("run-ids") { Description = "Two or more run ids.", Arity = ArgumentArity.OneOrMore };
        var json = CommonOptions.Json();
        var command = new Command("compare", "Params and metrics of runs side by side.") { ids, tracking.Store, json };
        command.SetAction((r, cancellationToken) => Run(console, environment, r, tracking, async (store, _) =>
        {
            var runs = new List<Run>();
            foreach (var runId in r.GetValue(ids)!.Distinct(StringComparer.Ordinal))
            {
                runs.Add(await store.GetRunAsync(runId, cancellationToken));
            }

            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize<IReadOnlyList<RunView>>([.. runs.Select(RunView.Of)], CliJsonContext.Default.IReadOnlyListRunView));
                return;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumn("");
            foreach (var run in runs)
            {
                table.AddColumn(new TableColumn(Markup.Escape($"{run.Info.RunId[..8]} {run.Info.RunName}")).RightAligned());
            }

            table.AddRow(["status", .. runs.Select(x => x.Info.Status.ToName())]);
            foreach (var key in runs.SelectMany(x => x.Params.Keys).Distinct().Order(StringComparer.Ordinal))
            {
                var values = runs.Select(x => x.Params.TryGetValue(key, out var v) ? v : "–").ToList();
                var differs = values.Distinct().Count() > 1;
                table.AddRow([Markup.Escape((differs ? "* " : "  ") + key), .. values.Select(Markup.Escape)]);
            }

            foreach (var key in runs.SelectMany(x => x.Metrics.Keys).Distinct().Order(StringComparer.Ordinal))
            {
                table.AddRow([Markup.Escape("  " + key), .. runs.Select(x => x.Metrics.TryGetValue(key, out var m) ? Number(m.Value) : "–")]);
            }

            console.OutConsole.Write(table);
            console.Out.WriteLine("(* params that differ)");
        }));
        return command;
    }

    private static Command Export(CliConsole console, CliEnvironment environment)
    {
        var tracking = new TrackingOptions();
        var id = new Argument<string>("run-id") { Description = "The run's id." };
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

    private static async Task<RunDetails> DetailsAsync(ITrackingStore store, string runId, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken);
        var history = new SortedDictionary<string, IReadOnlyList<MetricPoint>>(StringComparer.Ordinal);
        foreach (var key in run.Metrics.Keys)
        {
            history[key] = [.. (await store.GetMetricHistoryAsync(runId, key, cancellationToken))
                .Select(m => new MetricPoint(m.Step, m.Value, DateTimeOffset.FromUnixTimeMilliseconds(m.Timestamp)))];
        }

        return new RunDetails(RunView.Of(run), history, await store.ListArtifactsAsync(runId, cancellationToken));
    }

    private static async Task<Experiment> ExperimentAsync(ITrackingStore store, string name, CancellationToken cancellationToken) =>
        await store.GetExperimentByNameAsync(name, cancellationToken)
            ?? throw new UsageException($"--experiment: there is no experiment named '{name}'.");

    private static void Section(CliConsole console, string title, IEnumerable<(string Key, string Value)> rows)
    {
        var list = rows.ToList();
        console.Out.WriteLine(title + (list.Count == 0 ? "  (none)" : ""));
        foreach (var (key, value) in list)
        {
            console.Out.WriteLine($"  {key,-28}{value}");
        }
    }

    private static string Number(double value, string format = "0.######") =>
        double.IsNaN(value) ? "NaN" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Opens the store, runs the body, closes the store; exit codes as every command.</summary>
    private static Task<int> Run(CliConsole console, CliEnvironment environment, ParseResult result, TrackingOptions tracking, Func<ITrackingStore, KohonenSettings, Task> body) =>
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
