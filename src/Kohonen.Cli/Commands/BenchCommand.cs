using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Kohonen.Cli.Bench;
using Kohonen.Data;
using Kohonen.Training;

namespace Kohonen.Cli.Commands;

/// <summary>
/// <c>kohonen bench</c>: the Python originals' speed tables, for this machine and this code. (1) A
/// plain triple loop against the optimised trainer on 10×10, 30×30 and 50×50 maps (1,000 × 3
/// uniform samples, 100 iterations); (3) the colour demo (20 colours, 100×100, 1,000 iterations).
/// The originals' table (2), batch size against memory, waits for the streaming batch trainer.
/// The naive trainer runs once (it takes seconds), the optimised one three times: the median counts.
/// </summary>
internal static class BenchCommand
{
    private const string Note = "Table 2 of the originals (batch size against peak memory) is not measured yet: the streaming batch trainer with --batch-size is still to come.";

    public static Command Create(CliConsole console)
    {
        var json = CommonOptions.Json();
        var quick = new Option<bool>("--quick") { Description = "A tenth of the iterations everywhere (a quick look, not the tables' workloads)." };
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Time the naive and the optimised trainer on the Python originals' workloads (tables 1 and 3).") { json, quick, threads };
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), () =>
        {
            var scale = r.GetValue(quick) ? 10 : 1;
            var maxThreads = r.GetValue(threads);
            var random = new Random(0);
            var uniform = new DataMatrix([.. Enumerable.Range(0, 3000).Select(_ => (float)random.NextDouble())], 1000, 3);
            var colors = Kohonen.Data.SampleData.RandomColors(20, 0);
            var progress = !r.GetValue(json);
            var table = new List<BenchResult>();
            foreach (var side in new[] { 10, 30, 50 })
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (progress)
                {
                    console.Error.WriteLine($"bench: 1,000 × 3 on {side}×{side}, {100 / scale} iterations...");
                }

                table.Add(Measure("1000x3 uniform", uniform, side, 100 / scale, maxThreads, exactToo: false));
            }

            if (progress)
            {
                console.Error.WriteLine($"bench: colour demo, 100×100, {1000 / scale} iterations...");
            }

            var demo = Measure("colour demo", colors, 100, 1000 / scale, maxThreads, exactToo: true);
            var report = new BenchReport(Machine(), maxThreads ?? Environment.ProcessorCount, table, demo, Note);
            if (r.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.BenchReport));
                return ExitCodes.Success;
            }

            console.Out.WriteLine($"{report.Machine}, {report.Threads} threads");
            console.Out.WriteLine();
            console.Out.WriteLine("(1) naive triple loop against the optimised trainer, 1,000 × 3 uniform samples");
            Print(console, table);
            console.Out.WriteLine();
            console.Out.WriteLine("(3) the colour demo, 20 colours");
            Print(console, [demo]);
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    exact (no cut-off): {demo.ExactSeconds:0.000} s"));
            console.Out.WriteLine();
            console.Out.WriteLine(Note);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static BenchResult Measure(string workload, DataMatrix data, int side, int iterations, int? threads, bool exactToo)
    {
        var clock = Stopwatch.StartNew();
        var naiveCodebook = NaiveSom.Train(data, side, side, iterations, seed: 1);
        var naiveSeconds = clock.Elapsed.TotalSeconds;
        var naive = NaiveSom.Model(naiveCodebook, side, side, data.Columns);

        var options = new SomOptions { Width = side, Height = side, Iterations = iterations, Seed = 1, MaxDegreeOfParallelism = threads };
        var (optimised, optimisedSeconds) = Median(options, data);
        double? exactSeconds = exactToo ? Median(options with { ExactNeighborhood = true }, data).Seconds : null;

        return new BenchResult(workload, side, side, data.Rows, data.Columns, iterations, naiveSeconds, optimisedSeconds,
            naiveSeconds / optimisedSeconds, naive.QuantizationError(data), optimised.QuantizationError(data),
            naive.TopographicError(data), optimised.TopographicError(data), exactSeconds);
    }

    /// <summary>The median time of three trainings (the first also pays for compiling), and the map.</summary>
    private static (Maps.SomModel Model, double Seconds) Median(SomOptions options, DataMatrix data)
    {
        var times = new double[3];
        Maps.SomModel model = null!;
        for (var i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            model = new SomTrainer(options).Fit(data);
            times[i] = clock.Elapsed.TotalSeconds;
        }

        Array.Sort(times);
        return (model, times[1]);
    }

    private static void Print(CliConsole console, IReadOnlyList<BenchResult> rows)
    {
        console.Out.WriteLine("    map        iterations   naive s   optimised s   speed-up   QE naive   QE optimised   TE naive   TE optimised");
        foreach (var b in rows)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {$"{b.Width}×{b.Height}",-10} {b.Iterations,10} {b.NaiveSeconds,9:0.000} {b.OptimisedSeconds,13:0.000} {b.SpeedUp,9:0.0}× {b.NaiveQuantizationError,10:0.00000} {b.OptimisedQuantizationError,14:0.00000} {b.NaiveTopographicError,10:0.000} {b.OptimisedTopographicError,14:0.000}"));
        }
    }

    private static string Machine()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
            // Not Linux, or not readable: the CPU stays unnamed.
        }

        return $"{cpu}, {Environment.ProcessorCount} cores, .NET {Environment.Version}";
    }
}
