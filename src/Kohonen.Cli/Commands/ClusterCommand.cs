using System.CommandLine;
using System.Globalization;
using Kohonen.Imaging;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen cluster</c>: group a map's nodes into segments and keep them in the model.</summary>
internal static class ClusterCommand
{
    public static Command Create(CliConsole console)
    {
        var modelPath = new Option<string>("--model") { Description = "A trained model (.som).", Required = true };
        var k = new Option<int?>("--k") { Description = "The number of segments. Without it, every k in --min-k..--max-k is tried and the one with the lowest Davies–Bouldin index is kept (the curve is printed)." };
        var minK = new Option<int>("--min-k") { Description = "Without --k: the smallest k tried.", DefaultValueFactory = _ => 2 };
        var maxK = new Option<int>("--max-k") { Description = "Without --k: the largest k tried (at most the nodes less one).", DefaultValueFactory = _ => 15 };
        var method = EnumOption.Create<SegmentMethod>("--cluster-method", "kmeans (k-means++, seeded) or ward (merging grid neighbours); default kmeans");
        var data = new Option<string?>("--data") { Description = $"Rows whose hits weight the nodes ({DataFiles.Allowed}); without it every node weighs the same." };
        var columns = new Option<string[]>("--columns") { Description = "CSV feature columns (default: the model's feature names when the header has them).", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int>("--seed") { Description = "Seed of k-means++.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Write the model with its segments here (default: over --model), and the segment picture beside it." };
        var command = new Command("cluster", "Group a map's nodes into segments (k-means or Ward), keep them in the model and draw them over the U-matrix.")
        {
            modelPath, k, minK, maxK, method, data, columns, seed, output,
        };
        var reading = new DataOptions();
        reading.AddTo(command);
        command.SetAction((r, _) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), () =>
        {
            var path = r.GetValue(modelPath)!;
            var model = PredictCommand.LoadModel(path);
            var chosenMethod = EnumOption.Value(r, method, SegmentMethod.KMeans);
            var rows = r.GetValue(data) is { } dataPath ? ReadFeatures(model, dataPath, r.GetValue(columns), reading.From(r)) : null;
            var nodes = model.Grid.NodeCount;
            var count = r.GetValue(k);
            if (count is { } fixedK && (fixedK < 1 || fixedK > nodes))
            {
                throw new UsageException($"--k must be in 1..{nodes} (the map's nodes); got {fixedK}.");
            }

            if (count is null)
            {
                var low = r.GetValue(minK);
                var high = Math.Min(r.GetValue(maxK), nodes - 1);
                if (low < 2 || high < low)
                {
                    throw new UsageException($"--min-k and --max-k must give a range within 2..{nodes - 1}; got {low}..{r.GetValue(maxK)}.");
                }

                var curve = CodebookClustering.DaviesBouldinCurve(model, low, high, chosenMethod, rows, r.GetValue(seed));
                console.Out.WriteLine("k,davies_bouldin");
                foreach (var (each, index) in curve)
                {
                    console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{each},{index:0.0000}"));
                }

                count = curve.Where(p => double.IsFinite(p.Value)).MinBy(p => p.Value).Key;
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chosen k = {count} (lowest Davies–Bouldin index)"));
                if (count == high && high < nodes - 1)
                {
                    // The best k is the edge of the range: a larger one may be better yet.
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"note: k = {count} is the largest tried, and a larger k may score better; try a wider range (--max-k {Math.Min(nodes - 1, 2 * high)}) or choose k with --k."));
                }
            }

            var segmented = model.WithSegments(CodebookClustering.Segment(model, count.Value, chosenMethod, rows, r.GetValue(seed)));
            var outPath = r.GetValue(output) ?? path;
            CommonOptions.EnsureFolderExists(outPath, "--out");
            SomFile.Save(segmented, outPath);
            var picture = PicturePaths.Beside(outPath, "segments");
            MapPictures.Save(MapPictures.SegmentMap(segmented), picture);
            console.Error.WriteLine($"Wrote {count} segments ({OptionText.ToText(chosenMethod)}) into {outPath} and drew them in {picture}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The rows of a data file with the model's features.</summary>
    internal static DataMatrix ReadFeatures(SomModel model, string dataPath, string[]? columns, DataReading reading)
    {
        var rows = PredictEncoding.ReadTable(model, dataPath, DataFiles.Columns(columns), labelColumn: null, reading, console: null).Data;
        return rows.Columns == model.Dimension
            ? rows
            : throw new UsageException(
                $"the model expects {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); {dataPath} gives {rows.Columns} ({string.Join(", ", rows.ColumnNames)}). Choose them with --columns.");
    }
}
