using System.CommandLine;
using System.Globalization;
using System.Text;
using Kohonen.Imaging;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen segments</c>: the profile of each segment (size and feature means) as a CSV and
/// a picture.</summary>
internal static class SegmentsCommand
{
    public static Command Create(CliConsole console)
    {
        var modelPath = new Option<string>("--model") { Description = "A model that keeps segments (kohonen cluster, or train --clusters).", Required = true };
        var data = new Option<string>("--data") { Description = $"The rows to profile ({DataFiles.Allowed}).", Required = true };
        var columns = new Option<string[]>("--columns") { Description = "CSV feature columns (default: the model's feature names when the header has them).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--out") { Description = "Write the CSV here (and the picture beside it, NAME.png) instead of standard output (the picture then beside the model, NAME.profile.png)." };
        var width = new Option<int>("--width") { Description = $"Picture width in pixels ({PictureOptions.MinWidth}..{PictureOptions.MaxWidth}).", DefaultValueFactory = _ => 900 };
        var command = new Command("segments", "Per segment: how many rows fall in it and the mean of every feature (a profile table as CSV, and a picture).")
        {
            modelPath, data, columns, output, width,
        };
        var reading = new DataOptions();
        reading.AddTo(command);
        command.SetAction((r, _) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), () =>
        {
            var path = r.GetValue(modelPath)!;
            var model = PredictCommand.LoadModel(path);
            if (model.Segments is null)
            {
                throw new UsageException($"--model: {path} keeps no segments; make them with kohonen cluster --model {path} --k K (or train --clusters K).");
            }

            var pixels = r.GetValue(width);
            if (pixels is < PictureOptions.MinWidth or > PictureOptions.MaxWidth)
            {
                throw new UsageException($"--width must be in {PictureOptions.MinWidth}..{PictureOptions.MaxWidth} pixels; got {pixels}.");
            }

            var rows = ClusterCommand.ReadFeatures(model, r.GetValue(data)!, r.GetValue(columns), reading.From(r));
            var profile = SegmentProfile.Compute(model, rows);
            var csv = new StringBuilder();
            csv.Append("segment,rows,share");
            foreach (var f in profile.Features)
            {
                csv.Append(',').Append(PredictionCsv.Quote(f));
            }

            csv.Append('\n');
            for (var s = 0; s < profile.Count; s++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{s},{profile.Sizes[s]},{(double)profile.Sizes[s] / rows.Rows:0.####}");
                for (var f = 0; f < profile.Features.Count; f++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $",{profile.Mean(s, f):G6}");
                }

                csv.Append('\n');
            }

            var outPath = r.GetValue(output);
            var picture = outPath is null ? PicturePaths.Beside(path, "profile") : Path.ChangeExtension(outPath, ".png");
            if (outPath is null)
            {
                console.Out.Write(csv.ToString());
            }
            else
            {
                CommonOptions.EnsureFolderExists(outPath, "--out");
                AtomicFile.WriteAllBytes(outPath, Encoding.UTF8.GetBytes(csv.ToString()));
            }

            MapPictures.Save(MapPictures.SegmentProfile(profile, new PictureOptions { Width = pixels }), picture);
            console.Error.WriteLine($"{profile.Count} segments over {rows.Rows} rows; the profile picture is {Path.GetFullPath(picture)}.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
