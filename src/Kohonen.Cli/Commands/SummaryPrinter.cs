using System.Globalization;
using System.Text.Json;
using Kohonen.Tracking;

namespace Kohonen.Cli.Commands;

/// <summary>Prints what a training did, as text or one JSON object.</summary>
internal static class SummaryPrinter
{
    /// <summary>The summary of a training on <paramref name="rows"/> rows: its outcome (map, final QE
    /// and TE, time, run) and the files written.</summary>
    public static TrainingSummary Summarize(string command, string? output, TrainingOutcome outcome, int rows, IReadOnlyList<string> pictures)
    {
        var model = outcome.Model;
        var runId = outcome.RunId;
        var trainTime = outcome.TrainTime;
        var options = model.Options!;
        var (qe, te) = (outcome.QuantizationError, outcome.TopographicError);
        return new TrainingSummary(
            command,
            runId,
            output is null ? null : Path.GetFullPath(output),
            model.Width,
            model.Height,
            model.Dimension,
            rows,
            OptionText.ToText(options.Algorithm),
            OptionText.ToText(options.Topology),
            options.Toroidal,
            options.Iterations,
            options.Seed!.Value,
            options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
            Math.Round(trainTime.TotalSeconds, 6),
            qe,
            double.IsNaN(te) ? null : te,
            [.. pictures.Select(Path.GetFullPath)],
            PeakWorkingSet(),
            TrainingAccuracy: outcome.Measured.TryGetValue("training_accuracy", out var accuracy) ? accuracy : null);
    }

    /// <summary>The process's peak resident memory (VmHWM on Linux).</summary>
    private static long PeakWorkingSet()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    public static void Print(CliConsole console, TrainingSummary s, bool json)
    {
        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(s, CliJsonContext.Default.TrainingSummary));
            return;
        }

        var unit = s.Algorithm == "batch" ? "epochs" : "iterations";
        var where = s.Cluster is { } across
            ? $"across {across.Workers} worker{(across.Workers == 1 ? "" : "s")}"
            : $"{s.Threads} thread{(s.Threads == 1 ? "" : "s")}";
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Trained {Article(s.Width)} {s.Width}×{s.Height} {s.Topology}{(s.Toroidal ? " toroidal" : "")} map on {s.Rows} rows × {s.Dim} features ({s.Algorithm}, {s.Iterations} {unit}, seed {s.Seed}, {where})."));
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  train time          {s.TrainSeconds:0.000} s"));
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  quantization error  {s.QuantizationError:0.000000}"));
        console.Out.WriteLine(s.TopographicError is { } te
            ? string.Create(CultureInfo.InvariantCulture, $"  topographic error   {te:0.000000}")
            : "  topographic error   n/a (one node)");
        if (s.TrainingAccuracy is { } accuracy)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  training accuracy   {accuracy:0.0000} (rows whose BMU carries their label)"));
        }

        if (s.Cluster is { } cluster)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  cluster             {cluster.Workers} workers, {cluster.Partitions} partitions, {cluster.BytesPerEpoch:N0} bytes per epoch, {cluster.Retries} call{(cluster.Retries == 1 ? "" : "s")} tried again"));
        }

        if (s.Output is not null)
        {
            console.Out.WriteLine($"  model               {s.Output}");
        }

        if (s.RunId is not null)
        {
            console.Out.WriteLine($"  run                 {s.RunId}{(s.Experiment is null ? "" : $" (experiment '{s.Experiment}')")}");
        }
        foreach (var picture in s.Pictures)
        {
            console.Out.WriteLine($"  picture             {picture}");
        }
    }

    /// <summary>"an" before a number said with a vowel sound (8, 11, 18, 80…, 800…), else "a".</summary>
    internal static string Article(int number)
    {
        var text = number.ToString(CultureInfo.InvariantCulture);
        var said = text[0] == '8' || text is "11" or "18" || (text.Length is 5 or 8 && text.StartsWith("11", StringComparison.Ordinal)) || (text.Length is 5 or 8 && text.StartsWith("18", StringComparison.Ordinal));
        return said ? "an" : "a";
    }
}
