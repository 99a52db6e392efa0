using System.Globalization;
using Spectre.Console;

namespace Kohonen.Cli;

/// <summary>
/// Shows a training's progress to a person: a live bar on a terminal, a plain line at every 10 %
/// (and at least every 5 s) otherwise, nothing when quiet.
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>Runs <paramref name="train"/>, which reports to the progress it is given (null when
    /// quiet), showing <paramref name="totalIterations"/> steps under <paramref name="label"/>.</summary>
    public static async Task<T> ShowAsync<T>(Func<IProgress<TrainingProgress>?, Task<T>> train, CliConsole console, bool quiet, string label, int totalIterations)
    {
        if (quiet)
        {
            return await train(null).ConfigureAwait(false);
        }

        if (console.Interactive)
        {
            return await console.ErrorConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(label), maxValue: totalIterations);
                    return await train(new ProgressCallback(p =>
                    {
                        task.Value = p.Iteration;
                        task.Description = Markup.Escape(
                            string.Create(CultureInfo.InvariantCulture, $"{label}  σ={p.Sigma:0.###}") + (double.IsNaN(p.LearningRate) ? "" : string.Create(CultureInfo.InvariantCulture, $" α={p.LearningRate:0.####}")));
                    })).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }

        var lastPercent = -1;
        var lastPrint = TimeSpan.Zero;
        return await train(new ProgressCallback(p =>
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
        })).ConfigureAwait(false);
    }
}
