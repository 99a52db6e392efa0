using System.Globalization;
using System.Text.Json;

namespace Kohonen.Cli.Commands;

/// <summary>Measures a trained map and prints what the training did, as text or one JSON object.</summary>
internal static class SummaryPrinter
{
    public static TrainingSummary Summarize(string command, string? output, string? runId, SomModel model, DataMatrix data, TimeSpan trainTime, IReadOnlyList<string> pictures) =>
        Summarize(command, output, runId, model, data.Rows, QualityMetrics.OfTraining(model, data), trainTime, pictures);

    /// <summary>The summary of a map trained on <paramref name="rows"/> rows with these final QE and TE.</summary>
    public static TrainingSummary Summarize(string command, string? output, string? runId, SomModel model, int rows, (double QuantizationError, double TopographicError) metrics, TimeSpan trainTime, IReadOnlyList<string> pictures)
    {
        var options = model.Options!;
        var (qe, te) = metrics;
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
            PeakWorkingSet());
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
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Trained a {s.Width}×{s.Height} {s.Topology}{(s.Toroidal ? " toroidal" : "")} map on {s.Rows} rows × {s.Dim} features ({s.Algorithm}, {s.Iterations} {unit}, seed {s.Seed}, {s.Threads} threads)."));
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  train time          {s.TrainSeconds:0.000} s"));
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  quantization error  {s.QuantizationError:0.000000}"));
        console.Out.WriteLine(s.TopographicError is { } te
            ? string.Create(CultureInfo.InvariantCulture, $"  topographic error   {te:0.000000}")
            : "  topographic error   n/a (one node)");
        if (s.Output is not null)
        {
            console.Out.WriteLine($"  model               {s.Output}");
        }

        if (s.RunId is not null)
        {
            console.Out.WriteLine($"  run                 {s.RunId}");
        }
        foreach (var picture in s.Pictures)
        {
            console.Out.WriteLine($"  picture             {picture}");
        }
    }
}
