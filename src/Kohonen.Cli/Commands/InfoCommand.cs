using System.CommandLine;
using System.Text.Json;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen info</c>: what a model file holds.</summary>
internal static class InfoCommand
{
    public static Command Create(CliConsole console)
    {
        var modelPath = new Option<string>("--model") { Description = "A trained model (.som).", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("info", "Show a model's grid, dimension, features, scaler, training options and format version.") { modelPath, json };
        command.SetAction((r, _) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), () =>
        {
            var path = r.GetValue(modelPath)!;
            var model = PredictCommand.LoadModel(path);
            var options = model.Options is null ? null : Describe(model.Options);
            var info = new ModelInfo(
                Path.GetFullPath(path),
                SomFile.FormatVersionOf(model),
                new FileInfo(path).Length,
                model.Width,
                model.Height,
                model.Dimension,
                OptionText.ToText(model.Grid.Topology),
                model.Grid.Toroidal,
                model.FeatureNames,
                OptionText.ToText(model.Scaler?.Kind ?? Kohonen.Scaling.None),
                options)
            {
                LabelClasses = model.Labels?.Classes,
                Target = model.Targets?.Name,
                Segments = model.Segments?.Count,
                SegmentMethod = model.Segments is { } s ? OptionText.ToText(s.Method) : null,
                HitsRows = model.Hits is { } hits ? HitsTotal(hits) : null,
            };
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(info, CliJsonContext.Default.ModelInfo));
                return ExitCodes.Success;
            }

            console.Out.WriteLine($"model          {info.Model} ({info.FileBytes} bytes, format {info.FormatVersion})");
            console.Out.WriteLine($"grid           {model.Grid}");
            console.Out.WriteLine($"dimension      {info.Dim}");
            console.Out.WriteLine($"features       {string.Join(", ", info.FeatureNames)}");
            console.Out.WriteLine($"scaler         {info.Scaler}");
            console.Out.WriteLine($"labels         {(info.LabelClasses is { } classes ? $"{classes.Count} classes ({string.Join(", ", classes.Take(10))}{(classes.Count > 10 ? ", …" : "")}): predict answers label and label_confidence" : "none")}");
            if (info.Target is { } target)
            {
                console.Out.WriteLine($"target         {target}: predict answers target and target_spread");
            }

            console.Out.WriteLine($"segments       {(info.Segments is { } count ? $"{count} ({info.SegmentMethod}): predict answers segment" : "none")}");
            console.Out.WriteLine($"hits           {(info.HitsRows is { } rows ? $"kept, over {rows:N0} training rows" : "not kept")}");
            if (options is null)
            {
                console.Out.WriteLine("options        (not recorded: the map was not made by training)");
            }
            else
            {
                console.Out.WriteLine("options");
                foreach (var (key, value) in options)
                {
                    console.Out.WriteLine($"  {key,-26}{value}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The options as <see cref="SomOptions.ToParameters"/> gives them, with what a reader
    /// of <c>info</c> also wants to know: where σ₀ came from, and the threads.</summary>
    private static Dictionary<string, string> Describe(SomOptions o)
    {
        var described = new Dictionary<string, string>(o.ToParameters(), StringComparer.Ordinal);
        if (o.Sigma is null)
        {
            described["sigma"] += " (max(width, height)/2)";
        }

        described.TryAdd("seed", "none");
        described["threads"] = o.MaxDegreeOfParallelism?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all cores";
        return described;
    }

    /// <summary>The rows the hits count: their sum over the nodes.</summary>
    private static long HitsTotal(GridValues<int> hits)
    {
        long total = 0;
        for (var y = 0; y < hits.Height; y++)
        {
            for (var x = 0; x < hits.Width; x++)
            {
                total += hits[x, y];
            }
        }

        return total;
    }
}
