using System.CommandLine;
using Kohonen.Data;
using Kohonen.Imaging;
using Kohonen.Maps;
using Kohonen.Storage;
using Kohonen.Training;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen train</c>: train a map on a CSV or .npy file and save it.</summary>
internal static class TrainCommand
{
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = $"Training data ({DataFiles.Allowed}).", Required = true };
        var columns = new Option<string[]>("--columns")
        {
            Description = "CSV feature columns by header name or 0-based index (space or comma separated; default: all but the label column).",
            AllowMultipleArgumentsPerToken = true,
        };
        var labelColumn = new Option<string?>("--label-column") { Description = "A CSV column of text labels, not used as a feature." };
        var width = new Option<int>("--width") { Description = "Map columns.", DefaultValueFactory = _ => 10 };
        var height = new Option<int>("--height") { Description = "Map rows.", DefaultValueFactory = _ => 10 };
        var iterations = new Option<int?>("--iterations") { Description = "Online passes over the data (default 100)." };
        var epochs = new Option<int?>("--epochs") { Description = "Batch epochs; implies --algorithm batch (default 100)." };
        var algorithm = EnumOption.Create<TrainingAlgorithm>("--algorithm", "Training algorithm; default online");
        var topology = EnumOption.Create<Topology>("--topology", "Cell shape; default rectangular");
        var toroidal = new Option<bool>("--toroidal") { Description = "Wrap the map around on both axes." };
        var neighborhood = EnumOption.Create<Neighborhood>("--neighborhood", "Neighbourhood function; default gaussian");
        var learningRate = new Option<double?>("--learning-rate") { Description = "Initial learning rate α₀ in (0, 1] (default 0.1)." };
        var sigma = new Option<double?>("--sigma") { Description = "Initial radius σ₀ in grid cells (default max(width, height)/2)." };
        var decay = EnumOption.Create<Decay>("--decay", "Decay of both σ and α; default exponential-classic");
        var sigmaDecay = EnumOption.Create<Decay>("--sigma-decay", "Decay of σ alone, overriding --decay");
        var learningRateDecay = EnumOption.Create<Decay>("--learning-rate-decay", "Decay of α alone, overriding --decay");
        var init = EnumOption.Create<Initialization>("--init", "Codebook initialisation; default random");
        var scale = EnumOption.Create<Scaling>("--scale", "Feature scaling kept in the model; default none");
        var shuffle = new Option<bool>("--shuffle") { Description = "Online: visit samples in a new random order every iteration." };
        var exact = new Option<bool>("--exact") { Description = "Online: update every node, with no cut-off of steps below 2^-24 (slower late in training)." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var output = new Option<string>("--out") { Description = "Where to write the model (.som).", Required = true };
        var noPlots = new Option<bool>("--no-plots") { Description = "Do not write the U-matrix, component planes and training curve beside the model." };
        var json = CommonOptions.Json();
        var quiet = CommonOptions.Quiet();

        var command = new Command("train", "Train a self-organizing map on a data file and save the model.")
        {
            data, columns, labelColumn, width, height, iterations, epochs, algorithm, topology, toroidal, neighborhood,
            learningRate, sigma, decay, sigmaDecay, learningRateDecay, init, scale, shuffle, exact, seed, threads, output, noPlots, json, quiet,
        };

        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, r.GetValue(CommonOptions.Verbose), () =>
        {
            var (chosenAlgorithm, passes) = Passes(r.GetValue(iterations), r.GetValue(epochs), r.GetValue(algorithm));
            var bothDecay = EnumOption.Value(r, decay, Decay.ExponentialClassic);
            var options = new SomOptions
            {
                Width = r.GetValue(width),
                Height = r.GetValue(height),
                Algorithm = chosenAlgorithm,
                Iterations = passes,
                Topology = EnumOption.Value(r, topology, Topology.Rectangular),
                Toroidal = r.GetValue(toroidal),
                Neighborhood = EnumOption.Value(r, neighborhood, Neighborhood.Gaussian),
                LearningRate = r.GetValue(learningRate) ?? 0.1,
                Sigma = r.GetValue(sigma),
                SigmaDecay = EnumOption.Value(r, sigmaDecay, bothDecay),
                LearningRateDecay = EnumOption.Value(r, learningRateDecay, bothDecay),
                Initialization = EnumOption.Value(r, init, Initialization.Random),
                Scaling = EnumOption.Value(r, scale, Scaling.None),
                Shuffle = r.GetValue(shuffle),
                ExactNeighborhood = r.GetValue(exact),
                Seed = r.GetValue(seed) ?? Random.Shared.Next(),
                MaxDegreeOfParallelism = r.GetValue(threads),
            };
            var path = r.GetValue(output)!;
            CommonOptions.EnsureFolderExists(path, "--out");
            var dataPath = r.GetValue(data)!;
            var table = DataFiles.Read(dataPath, "--data", DataFiles.Columns(r.GetValue(columns)), r.GetValue(labelColumn));
            var plots = !r.GetValue(noPlots);
            if (plots)
            {
                options = options with { MetricsEvery = CurveSpacing(options, table.Data.Rows) };
            }

            var trainer = new SomTrainer(options);
            var quietNow = r.GetValue(quiet) || r.GetValue(json);
            if (!quietNow)
            {
                console.Error.WriteLine($"Read {table.Data.Rows} rows × {table.Data.Columns} features ({string.Join(", ", table.Data.ColumnNames)}) from {dataPath}.");
            }

            var (model, trainTime) = TrainingRunner.Train(trainer, table.Data, console, quietNow, "train", cancellationToken);
            SomFile.Save(model, path);
            var pictures = new List<string>();
            if (plots)
            {
                var xLabel = model.Options!.Algorithm == TrainingAlgorithm.Batch ? "epoch" : "iteration";
                foreach (var (kind, draw) in new (string, Func<byte[]>)[]
                {
                    ("umatrix", () => MapPictures.UMatrix(model)),
                    ("planes", () => MapPictures.ComponentPlanes(model)),
                    ("curve", () => MapPictures.TrainingCurve(model.History, xLabel: xLabel)),
                })
                {
                    var picture = PicturePaths.Beside(path, kind);
                    MapPictures.Save(draw(), picture);
                    pictures.Add(picture);
                }
            }

            SummaryPrinter.Print(console, SummaryPrinter.Summarize("train", path, model, table.Data, trainTime, pictures), r.GetValue(json));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// How often to measure QE and TE for the training curve: up to 50 points, fewer when the data is
    /// large, so that measuring (a pass over the data each time) stays small beside training itself
    /// (about 2·10⁸ distance evaluations at most in all).
    /// </summary>
    private static int CurveSpacing(SomOptions options, int rows)
    {
        var perMeasurement = Math.Max(1.0, (double)rows * options.Width * options.Height);
        var points = (int)Math.Clamp(2e8 / perMeasurement, 2, 50);
        return Math.Max(1, (int)Math.Ceiling(options.Iterations / (double)points));
    }

    /// <summary>--iterations counts online passes, --epochs batch epochs; together they conflict.</summary>
    private static (TrainingAlgorithm Algorithm, int Passes) Passes(int? iterations, int? epochs, string? algorithmText)
    {
        TrainingAlgorithm? named = algorithmText is null ? null : OptionText.Parse<TrainingAlgorithm>(algorithmText, "--algorithm");
        if (iterations is not null && epochs is not null)
        {
            throw new UsageException("--iterations and --epochs are two names for the number of passes; give one (--epochs for batch, --iterations for online).");
        }

        if (epochs is not null)
        {
            if (named == TrainingAlgorithm.Online)
            {
                throw new UsageException("--epochs goes with --algorithm batch; for online training give --iterations.");
            }

            return (TrainingAlgorithm.Batch, CheckedPasses(epochs.Value, "--epochs"));
        }

        return (named ?? TrainingAlgorithm.Online, CheckedPasses(iterations ?? 100, "--iterations"));
    }

    private static int CheckedPasses(int value, string flag) =>
        value is >= 1 and <= SomOptions.MaxIterations
            ? value
            : throw new UsageException($"{flag} must be in 1..{SomOptions.MaxIterations}; got {value}.");
}
