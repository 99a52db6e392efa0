using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Kohonen.Cli.Bench;

namespace Kohonen.Cli.Commands;

/// <summary>
/// <c>kohonen bench</c>: the Python originals' speed tables, for this machine and this code. (1) A
/// plain triple loop against the optimised trainer on 10×10, 30×30 and 50×50 maps (1,000 × 3
/// uniform samples, 100 iterations); (2) batch size against peak memory and time on 30×30 and 50×50
/// maps with 10,000 samples (each training in a `kohonen train` process of its own); (3) the colour
/// demo (20 colours, 100×100, 1,000 iterations). The naive trainer runs once (it takes seconds), the
/// optimised one three times: the median counts.
/// </summary>
internal static class BenchCommand
{
    private const string Note = "Table 2: each line is a `kohonen train` process of its own (peak memory includes the .NET runtime, about 55-60 MB here); 'whole' reads the file into memory, a number streams it in chunks of that many rows.";

    public static Command Create(CliConsole console)
    {
        var json = CommonOptions.Json();
        var quick = new Option<bool>("--quick") { Description = "A tenth of the iterations everywhere (a quick look, not the tables' workloads)." };
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Time this code on the Python originals' benchmark workloads: naive against optimised trainer, batch size against memory, the colour demo.") { json, quick, threads };
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), async () =>
        {
            var scale = r.GetValue(quick) ? 10 : 1;
            var maxThreads = r.GetValue(threads);
            var random = new Random(0);
            var uniform = new DataMatrix([.. Enumerable.Range(0, 3000).Select(_ => (float)random.NextDouble())], 1000, 3);
            var colors = Kohonen.SampleData.RandomColors(20, 0);
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
            var batchSizes = await BatchSizesAsync(console, progress, 10 / scale, maxThreads, cancellationToken).ConfigureAwait(false);
            var report = new BenchReport(Machine(), maxThreads ?? Environment.ProcessorCount, table, demo, batchSizes, Note);
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
            console.Out.WriteLine("(2) batch size against peak memory and time, 10,000 × 3 uniform samples, batch algorithm");
            console.Out.WriteLine("    map        epochs   batch size   train s   peak memory MB   QE");
            foreach (var b in batchSizes)
            {
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {$"{b.Width}×{b.Height}",-10} {b.Epochs,6} {(b.BatchSize is { } n ? n.ToString(CultureInfo.InvariantCulture) : "whole"),12} {b.TrainSeconds,9:0.000} {b.PeakWorkingSetBytes / 1e6,16:0.0}   {b.QuantizationError:0.00000}"));
            }

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

    /// <summary>Table 2: each training runs as `kohonen train` in a process of its own, on a temporary
    /// .npy file of 10,000 × 3 uniform samples, read whole or streamed.</summary>
    private static async Task<List<BatchSizeResult>> BatchSizesAsync(CliConsole console, bool progress, int epochs, int? threads, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("kohonen-bench-").FullName;
        try
        {
            var data = Path.Combine(folder, "uniform-10000x3.npy");
            NpyFile.Write(data, SampleData.Uniform(10_000, 3, 0));
            var results = new List<BatchSizeResult>();
            foreach (var side in new[] { 30, 50 })
            {
                foreach (int? batch in new int?[] { null, 10_000, 1_000, 100 })
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (progress)
                    {
                        console.Error.WriteLine($"bench: 10,000 × 3 on {side}×{side}, {epochs} epochs, batch size {batch?.ToString(CultureInfo.InvariantCulture) ?? "whole"}...");
                    }

                    string[] args =
                    [
                        "train", "--data", data, "--epochs", epochs.ToString(CultureInfo.InvariantCulture),
                        "--width", side.ToString(CultureInfo.InvariantCulture), "--height", side.ToString(CultureInfo.InvariantCulture),
                        "--seed", "1", "--no-track", "--no-plots", "--json", "--out", Path.Combine(folder, "m.som"),
                        .. batch is { } n ? ["--batch-size", n.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
                        .. threads is { } t ? ["--threads", t.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
                    ];
                    using var summary = JsonDocument.Parse(await RunSelfAsync(args, cancellationToken).ConfigureAwait(false));
                    var root = summary.RootElement;
                    results.Add(new BatchSizeResult(side, side, 10_000, epochs, batch, root.GetProperty("train_seconds").GetDouble(),
                        root.GetProperty("peak_working_set_bytes").GetInt64(), root.GetProperty("quantization_error").GetDouble()));
                }
            }

            return results;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs this tool (kohonen.dll under the dotnet host) with <paramref name="args"/> and returns
    /// its standard output; a failure is an IOException with its standard error.</summary>
    private static async Task<string> RunSelfAsync(string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new IOException("Could not start kohonen for table 2.");
        using var stop = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var output = await process.StandardOutput.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return process.ExitCode == 0
            ? output
            : throw new IOException($"kohonen {string.Join(' ', args)} failed (exit {process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}");
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
    private static (SomModel Model, double Seconds) Median(SomOptions options, DataMatrix data)
    {
        var times = new double[3];
        SomModel model = null!;
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
