using System.CommandLine;
using Kohonen.Imaging;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen plot</c>: a PNG picture of a trained map.</summary>
internal static class PlotCommand
{
    /// <summary>The kinds of picture, as named on the command line.</summary>
    internal static readonly string[] Kinds = ["rgb", "umatrix", "planes", "hits", "labels", "segments", "curve"];

    public static Command Create(CliConsole console)
    {
        var modelPath = new Option<string>("--model") { Description = "A trained model (.som).", Required = true };
        var kind = new Option<string>("--kind") { Description = $"What to draw ({string.Join(" | ", Kinds)}).", Required = true, HelpName = string.Join("|", Kinds) };
        kind.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (!Kinds.Contains(value))
            {
                r.AddError($"--kind: unknown value '{value}'; allowed: {string.Join(", ", Kinds)}.");
            }
        });
        var data = new Option<string?>("--data") { Description = $"Rows to place on the map, for hits and labels ({DataFiles.Allowed})." };
        var labels = new Option<string?>("--labels") { Description = "The CSV column of labels, for labels." };
        var columns = new Option<string[]>("--columns") { Description = "CSV feature columns (default: the model's feature names when the header has them).", AllowMultipleArgumentsPerToken = true };
        var features = new Option<int[]>("--features") { Description = "rgb: three feature indices for red, green, blue (default 0 1 2 on a 3-feature map); planes: the features to draw (default all).", AllowMultipleArgumentsPerToken = true };
        var width = new Option<int>("--width") { Description = $"Picture width in pixels ({PictureOptions.MinWidth}..{PictureOptions.MaxWidth}).", DefaultValueFactory = _ => 640 };
        var output = new Option<string?>("--out") { Description = "Where to write the PNG (default: beside the model, NAME.KIND.png)." };

        var command = new Command("plot", "Draw a trained map as a PNG: RGB map, U-matrix, component planes, hits, labels, segments or training curve.")
        {
            modelPath, kind, data, labels, columns, features, width, output,
        };
        var reading = new DataOptions();
        reading.AddTo(command);
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), async () =>
        {
            var read = reading.From(r);
            var path = r.GetValue(modelPath)!;
            var model = PredictCommand.LoadModel(path);
            var what = r.GetValue(kind)!;
            var outPath = r.GetValue(output) ?? PicturePaths.Beside(path, what);
            CommonOptions.EnsureFolderExists(outPath, "--out");
            var pixels = r.GetValue(width);
            if (pixels is < PictureOptions.MinWidth or > PictureOptions.MaxWidth)
            {
                throw new UsageException($"--width must be in {PictureOptions.MinWidth}..{PictureOptions.MaxWidth} pixels; got {pixels}.");
            }

            var options = new PictureOptions { Width = pixels };
            var png = what switch
            {
                "rgb" => MapPictures.RgbMap(model, options, r.GetValue(features) is { Length: > 0 } f ? f
                    : model.Dimension == 3 ? null
                    : throw new UsageException($"--kind rgb: the map has {model.Dimension} features; choose three of them (0..{model.Dimension - 1}) for red, green and blue with --features, e.g. --features 0 1 2.")),
                "umatrix" => MapPictures.UMatrix(model, options),
                "planes" => r.GetValue(features) is { Length: > 0 } chosen ? MapPictures.ComponentPlanes(model, chosen, options) : MapPictures.ComponentPlanes(model, options),
                "hits" => MapPictures.HitMap(model, (await ReadRowsAsync(model, r.GetValue(data), r.GetValue(columns), null, "hits", read, console, cancellationToken).ConfigureAwait(false)).Data, options),
                "labels" => await LabelsAsync(model, r.GetValue(data), r.GetValue(columns), r.GetValue(labels), options, read, console, cancellationToken).ConfigureAwait(false),
                "segments" => model.Segments is not null
                    ? MapPictures.SegmentMap(model, options)
                    : throw new UsageException($"{path} keeps no segments; make them with kohonen cluster --model {path} --k K."),
                "curve" => model.History.Count > 0
                    ? MapPictures.TrainingCurve(model.History, options, model.Options?.Algorithm == TrainingAlgorithm.Batch ? "epoch" : "iteration")
                    : throw new UsageException($"{path} has no training history to draw (it was trained without measuring; kohonen train records it unless --no-plots)."),
                _ => throw new UsageException($"--kind: unknown value '{what}'."),
            };
            MapPictures.Save(png, outPath);
            console.Out.WriteLine(Path.GetFullPath(outPath));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<byte[]> LabelsAsync(SomModel model, string? dataPath, string[]? columns, string? labelColumn, PictureOptions options, DataReading reading, CliConsole console, CancellationToken cancellationToken)
    {
        if (labelColumn is null && model.Labels is not null && dataPath is null)
        {
            return MapPictures.LabelMap(model, options);
        }

        if (labelColumn is null)
        {
            throw new UsageException(model.Labels is null
                ? "--kind labels needs --labels, the CSV column that holds the labels (or a model trained with --label-column)."
                : "--kind labels with --data needs --labels, the CSV column that holds the labels; without --data it draws the labels the model keeps.");
        }

        var table = await ReadRowsAsync(model, dataPath, columns, labelColumn, "labels", reading, console, cancellationToken).ConfigureAwait(false);
        return MapPictures.LabelMap(model, table.Data, table.Labels!, options);
    }

    private static async Task<CsvData> ReadRowsAsync(SomModel model, string? dataPath, string[]? columns, string? labelColumn, string kind, DataReading reading, CliConsole console, CancellationToken cancellationToken)
    {
        if (dataPath is null)
        {
            throw new UsageException($"--kind {kind} needs --data, the rows to place on the map.");
        }

        var table = await PredictEncoding.ReadTableAsync(model, dataPath, DataFiles.Columns(columns), labelColumn, reading, [], console: null, cancellationToken).ConfigureAwait(false);
        foreach (var notice in DataFiles.Notices(dataPath, table, reading))
        {
            console.Error.WriteLine(notice);
        }

        return table.Data.Columns == model.Dimension
            ? table
            : throw new UsageException(
                $"the model expects {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); {dataPath} gives {table.Data.Columns} ({string.Join(", ", table.Data.ColumnNames)}). Choose them with --columns.");
    }
}
