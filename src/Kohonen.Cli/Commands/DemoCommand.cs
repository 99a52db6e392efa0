using System.CommandLine;
using System.Globalization;
using Kohonen.Cli.Settings;
using Kohonen.Imaging;
using Kohonen.Tracking;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen demo colors</c>: the Python original's demo, random RGB colours on a map.</summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment)
    {
        var colors = new Option<int>("--colors") { Description = "How many random colours to train on (1..100000).", DefaultValueFactory = _ => ColorDemoDefaults.Colors };
        colors.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value is < 1 or > 100_000)
            {
                r.AddError($"--colors must be in 1..100000; got {value}.");
            }
        });
        var width = new Option<int>("--width") { Description = "Map columns.", DefaultValueFactory = _ => ColorDemoDefaults.Width };
        var height = new Option<int>("--height") { Description = "Map rows.", DefaultValueFactory = _ => ColorDemoDefaults.Height };
        var iterations = new Option<int>("--iterations") { Description = "Passes over the colours.", DefaultValueFactory = _ => ColorDemoDefaults.Iterations };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var output = new Option<string>("--out") { Description = "Where to write the model.", DefaultValueFactory = _ => "colors.som" };
        var recording = new RecordingOptions();
        var picture = new Option<string?>("--png") { Description = "Where to write the picture: the colours on top, the map below (default: beside the model, NAME.png)." };
        var json = CommonOptions.Json();
        var quiet = CommonOptions.Quiet();

        var command = new Command("colors", string.Create(CultureInfo.InvariantCulture,
            $"Train a map on random RGB colours (the classic demo: {ColorDemoDefaults.Colors} colours, {ColorDemoDefaults.Width}×{ColorDemoDefaults.Height}, {ColorDemoDefaults.Iterations:N0} iterations) and save it."))
        {
            colors, width, height, iterations, seed, threads, output, picture, json, quiet,
        };
        foreach (var option in recording.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(console, CommonOptions.IsVerbose(result, environment), async () =>
        {
            var settings = KohonenSettings.Load(environment);
            var options = new SomOptions
            {
                Width = result.GetValue(width),
                Height = result.GetValue(height),
                Iterations = result.GetValue(iterations),
                Seed = result.GetValue(seed) ?? settings.RandomState ?? Random.Shared.Next(),
                MaxDegreeOfParallelism = result.GetValue(threads),
            };
            var path = result.GetValue(output)!;
            CommonOptions.EnsureFolderExists(path, "--out");
            var pngPath = result.GetValue(picture) ?? Path.ChangeExtension(path, ".png");
            CommonOptions.EnsureFolderExists(pngPath, "--png");
            var runIdFile = result.GetValue(recording.RunIdFile);
            if (runIdFile is not null)
            {
                CommonOptions.EnsureFolderExists(runIdFile, "--run-id-file");
            }

            var data = SampleData.RandomColors(result.GetValue(colors), options.Seed!.Value);
            var input = DataSource.FromMatrix(data);
            options.Validate();
            var store = result.GetValue(recording.NoTrack) ? null : TrackingStores.Open(settings, result.GetValue(recording.Tracking.Store));
            TrainingOutcome outcome;
            var experiment = result.GetValue(recording.Tracking.Experiment) ?? settings.ExperimentName;
            try
            {
                var session = new TrainingSession(options, input)
                {
                    Recording = Recording.Run(store, experiment,
                        result.GetValue(recording.RunName) ?? settings.RunName ?? "colors",
                        new Dictionary<string, string>(Recording.DataTags(null, data), StringComparer.Ordinal) { ["data_file"] = "random colors" }),
                    // The picture file, and the hit map for the store's run.
                    Pictures = m => store is null
                        ? [new("pictures/colors.png", MapPictures.ColorDemo(m, data))]
                        : TrainingPicture.DrawAll([("pictures/colors.png", () => MapPictures.ColorDemo(m, data)), ("pictures/hits.png", () => MapPictures.HitMap(m, data))]),
                    KeepModelBytes = true,
                    KeepHits = true,
                };
                outcome = await ProgressDisplay.ShowAsync(progress => session.RunAsync(progress, cancellationToken),
                    console, result.GetValue(quiet) || result.GetValue(json), "colors", options.Iterations).ConfigureAwait(false);
            }
            finally
            {
                if (store is not null)
                {
                    TrackingStores.Close(store);
                }
            }

            Recording.WriteRunIdFile(runIdFile, outcome.RunId);
            Recording.WriteModel(outcome, path);
            MapPictures.Save(outcome.Pictures.Single(p => p.Kind == "colors").Content, pngPath);
            SummaryPrinter.Print(console, SummaryPrinter.Summarize("demo colors", path, outcome, data.Rows, [pngPath]) with { Experiment = outcome.RunId is null ? null : experiment }, result.GetValue(json));
            return ExitCodes.Success;
        }));

        return new Command("demo", "Built-in demonstrations.") { command };
    }
}
