using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Kohonen.Testing;

namespace Kohonen.Cli.Tests.Hostile;

/// <summary>
/// Malformed model and data files through the commands: each ends with exit 2 and one line that
/// names the file, no stack trace, in bounded time. The counts per category are printed.
/// </summary>
public sealed class HostileFilesTests : ScratchFolder
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private string GoodModel()
    {
        var path = PathOf("good.som");
        SomFile.Save(SomModel.Create(new Grid(2, 2), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], 3, ["a", "b", "c"]), path);
        return path;
    }

    private static async Task AssertRefusedAsync(string file, string because, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var run = await CliRun.InvokeAsync(args).WaitAsync(Bound);
        Assert.True(clock.Elapsed < Bound, $"{because}: {clock.Elapsed}");
        Assert.True(run.ExitCode == 2, $"{because}: {run}");
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(file), run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(" at Kohonen.", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", run.Error, StringComparison.Ordinal);
    }

    private void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
    }

    [Fact]
    public async Task DamagedModelFilesAreRefusedByInfoAndPredict()
    {
        var good = File.ReadAllBytes(GoodModel());
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(good);
        var inputs = new List<(string Name, byte[] Bytes)>();
        foreach (var length in new[] { 0, 1, 7, 8, 9, headerEnd - 1, headerEnd, headerEnd + 1, good.Length - 4, good.Length - 1 })
        {
            inputs.Add(($"truncated-{length}.som", good[..length]));
        }

        var random = new Random(7);
        for (var i = 0; i < 30; i++)
        {
            var damaged = (byte[])good.Clone();
            var at = random.Next(good.Length);
            damaged[at] ^= (byte)(1 << random.Next(8));
            inputs.Add(($"flip-{at}.som", damaged));
        }

        inputs.Add(("junk.som", Encoding.UTF8.GetBytes("this is not a model file at all")));
        var data = WriteFile("d.csv", "a,b,c\n0.1,0.2,0.3\n");
        var tally = new HostileTally("model files / through info and predict");
        foreach (var (name, bytes) in inputs)
        {
            var path = PathOf(name);
            File.WriteAllBytes(path, bytes);
            await tally.CheckAsync($"info {name}", () => AssertRefusedAsync(path, name, "info", "--model", path));
            await tally.CheckAsync($"predict {name}", () => AssertRefusedAsync(path, name, "predict", "--model", path, "--data", data));
        }

        tally.Done();
    }

    [Fact]
    public async Task ModelPathsThatAreNotFilesAreRefusedAtOnce()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix only.");
        var fifo = PathOf("pipe.som");
        MakeFifo(fifo);
        var tally = new HostileTally("model files / special files");

        await tally.CheckAsync("a FIFO", () => AssertRefusedAsync(fifo, "a FIFO", "info", "--model", fifo));
        await tally.CheckAsync("/dev/zero", () => AssertRefusedAsync("/dev/zero", "a device", "info", "--model", "/dev/zero"));
        tally.Done();
    }

    private static readonly (string Name, string Content)[] CsvFiles =
    [
        ("empty.csv", ""),
        ("header-only.csv", "a,b,c\n"),
        ("ragged.csv", "a,b,c\n1,2,3\n4,5\n"),
        ("infinity.csv", "a,b,c\n1,2,Infinity\n"),
        ("huge.csv", "a,b,c\n1,2,1e39\n"),
        ("open-quote.csv", "a,b,c\n1,2,\"3\n"),
        ("control.csv", "a,b\u0007,c\n1,2,3\n"),
        ("wide.csv", "a,b,c\n" + string.Join(',', Enumerable.Repeat("1", 70_000)) + "\n"),
        ("binary.csv", "\u0000\u0001\u0002\u00ff\n\u0003,\u0004\n"),
    ];

    [Fact]
    public async Task MalformedDataFilesAreRefusedByPredict()
    {
        var model = GoodModel();
        var tally = new HostileTally("data files / through predict");
        foreach (var (name, content) in CsvFiles)
        {
            var path = WriteFile(name, content);
            await tally.CheckAsync(name, () => AssertRefusedAsync(path, name, "predict", "--model", model, "--data", path));
        }

        foreach (var (name, dict, payload) in new (string, string, byte[])[]
        {
            ("bad-magic.npy", "", [1, 2, 3]),
            ("huge-shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 3), }", []),
            ("hidden-shape.npy", "{'descr': '<f4', 'note': \"'shape': (1, 3)\", 'fortran_order': False, 'shape': (2, 3), }", new byte[12]),
            ("duplicate.npy", "{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }", new byte[12]),
            ("big-double.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }", [.. BitConverter.GetBytes(0.0), .. BitConverter.GetBytes(1e300), .. BitConverter.GetBytes(0.0)]),
            ("int.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 3), }", new byte[24]),
            ("announces-more.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 3), }", new byte[12]),
        })
        {
            var path = PathOf(name);
            File.WriteAllBytes(path, dict.Length == 0 ? payload : Data.NpyBytes(dict, payload));
            await tally.CheckAsync(name, () => AssertRefusedAsync(path, name, "predict", "--model", model, "--data", path));
        }

        if (!OperatingSystem.IsWindows())
        {
            var fifo = PathOf("pipe.csv");
            MakeFifo(fifo);
            await tally.CheckAsync("a FIFO", () => AssertRefusedAsync(fifo, "a FIFO", "predict", "--model", model, "--data", fifo));
        }

        tally.Done();
    }

    [Fact]
    public async Task ValuesBeyondTheRangeAMapMeasuresAreRefusedNamingTheFile()
    {
        var big = WriteFile("big.csv", "0.1,0.2,0.3\n1e20,0.5,0.6\n");
        var model = GoodModel();
        var huge = WriteFile("far.csv", "a,b,c\n0,3e38,0\n");
        var tally = new HostileTally("data files / values out of range");

        await tally.CheckAsync("training on 1e20", () => AssertRefusedAsync(big, "training on 1e20", "train", "--data", big, "--out", PathOf("big.som"), "--no-track", "--no-plots", "--quiet"));
        await tally.CheckAsync("predicting 3e38", () => AssertRefusedAsync(huge, "predicting 3e38", "predict", "--model", model, "--data", huge));
        tally.Done();
        var run = await CliRun.InvokeAsync("train", "--data", big, "--out", PathOf("big.som"), "--no-track", "--no-plots", "--quiet");
        Assert.Contains("row 1, column 0 ('x0') is 1E+20; values must be within ±1E+13", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("big.som")));

        // Scaled, the same file trains: the rule is on the values the map measures.
        var scaled = await CliRun.InvokeAsync("train", "--data", big, "--out", PathOf("scaled.som"), "--scale", "minmax", "--width", "3", "--height", "3", "--no-track", "--no-plots", "--quiet");
        Assert.True(scaled.ExitCode == 0, scaled.ToString());
    }

    private static class Data
    {
        public static byte[] NpyBytes(string dict, byte[] payload)
        {
            var header = dict.PadRight(((10 + dict.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
            return [0x93, .. "NUMPY"u8.ToArray(), 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8), .. Encoding.Latin1.GetBytes(header), .. payload];
        }
    }
}
