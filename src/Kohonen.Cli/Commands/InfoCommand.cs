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
                options);
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
}
