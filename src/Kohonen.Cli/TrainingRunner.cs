using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Kohonen.Cli;

/// <summary>
/// Runs a training with progress for a person: a live bar on a terminal, a plain line at every 10 %
/// (and at least every 5 s) otherwise, nothing when quiet. Returns the model and the training time
/// alone.
/// </summary>
internal static class TrainingRunner
{
    /// <summary>Runs <paramref name="fit"/>, which trains and reports to the progress it is given (null
    /// when quiet), showing <paramref name="totalIterations"/> steps under <paramref name="label"/>.</summary>
    public static (SomModel Model, TimeSpan TrainTime) Train(Func<IProgress<TrainingProgress>?, SomModel> fit, CliConsole console, bool quiet, string label, int totalIterations)
    {
        var clock = Stopwatch.StartNew();
        SomModel model;
        if (quiet)
        {
            model = fit(null);
        }
        else if (console.Interactive)
        {
            model = null!;
            console.ErrorConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask(Markup.Escape(label), maxValue: totalIterations);
                    model = fit(new ProgressCallback(p =>
                    {
                        task.Value = p.Iteration;
                        task.Description = Markup.Escape(
                            string.Create(CultureInfo.InvariantCulture, $"{label}  σ={p.Sigma:0.###}") + (double.IsNaN(p.LearningRate) ? "" : string.Create(CultureInfo.InvariantCulture, $" α={p.LearningRate:0.####}")));
                    }));
                });
        }
        else
        {
            var lastPercent = -1;
            var lastPrint = TimeSpan.Zero;
            model = fit(new ProgressCallback(p =>
            {
                var percent = (int)(100L * p.Iteration / p.TotalIterations);
                if (percent / 10 > lastPercent / 10 || p.Elapsed - lastPrint > TimeSpan.FromSeconds(5) || p.Iteration == p.TotalIterations)
                {
                    lastPercent = percent;
                    lastPrint = p.Elapsed;
                    var alpha = double.IsNaN(p.LearningRate) ? "" : string.Create(CultureInfo.InvariantCulture, $" α={p.LearningRate:0.####}");
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{label}: {p.Iteration}/{p.TotalIterations} ({percent}%) σ={p.Sigma:0.###}{alpha} elapsed {p.Elapsed.TotalSeconds:0.0}s"));
                }
            }));
        }

        return (model, clock.Elapsed);
    }
}
