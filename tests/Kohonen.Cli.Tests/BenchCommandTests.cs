using System.Text.Json;

namespace Kohonen.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public async Task QuickBenchReportsBothTrainersOnEveryWorkloadWithTheirQuality()
    {
        var run = await CliRun.InvokeAsync("bench", "--quick", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var rows = json.RootElement.GetProperty("naive_vs_optimised").EnumerateArray().ToList();
        Assert.Equal([10, 30, 50], rows.Select(r => r.GetProperty("width").GetInt32()));
        var demo = json.RootElement.GetProperty("color_demo");
        Assert.Equal((100, 100), (demo.GetProperty("iterations").GetInt32(), demo.GetProperty("width").GetInt32()));
        foreach (var row in rows.Append(demo))
        {
            Assert.True(row.GetProperty("naive_seconds").GetDouble() > 0);
            Assert.True(row.GetProperty("optimised_seconds").GetDouble() > 0);
            // Both are real trainings of the same workload: their maps fit the data about equally well.
            var naive = row.GetProperty("naive_quantization_error").GetDouble();
            var optimised = row.GetProperty("optimised_quantization_error").GetDouble();
            Assert.InRange(optimised / naive, 0.5, 2.0);
        }

        // Table 2: the same training read whole and streamed in chunks, each in a process of its own.
        var batches = json.RootElement.GetProperty("batch_sizes").EnumerateArray().ToList();
        Assert.Equal([30, 30, 30, 30, 50, 50, 50, 50], batches.Select(b => b.GetProperty("width").GetInt32()));
        Assert.Equal([null, 10000, 1000, 100, null, 10000, 1000, 100], batches.Select(b => b.GetProperty("batch_size").ValueKind == JsonValueKind.Null ? (int?)null : b.GetProperty("batch_size").GetInt32()));
        foreach (var side in batches.GroupBy(b => b.GetProperty("width").GetInt32()))
        {
            // Streaming changes the memory, never the map: one QE per map size.
            Assert.Single(side.Select(b => b.GetProperty("quantization_error").GetDouble()).Distinct());
        }

        Assert.All(batches, b => Assert.InRange(b.GetProperty("peak_working_set_bytes").GetInt64(), 10_000_000, 2_000_000_000));
        Assert.Contains("Table 2", json.RootElement.GetProperty("note").GetString(), StringComparison.Ordinal);
    }
}
