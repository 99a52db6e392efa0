using System.Security.Cryptography;
using Kohonen.Cli.Settings;
using Kohonen.Tracking;

namespace Kohonen.Cli.Commands;

/// <summary>
/// Where <c>kohonen train</c> starts from when it does not draw its codebook: <c>--init-from FILE</c>
/// (a <c>.som</c> model or a <c>.npy</c> codebook) or <c>--continue MODEL</c> (a <c>.som</c> file or a
/// run of the store, trained further with its scaler, or with a new one under <c>--refit-scaler</c>).
/// It checks what it can before anything is trained or recorded, and gives the run its tags.
/// </summary>
internal sealed class TrainStart
{
    private float[]? _codebook;

    private TrainStart(string flag, string path, SomModel? model, bool continued, bool refitScaler, Dictionary<string, string> tags)
    {
        Flag = flag;
        Path = path;
        Model = model;
        Continued = continued;
        RefitScaler = refitScaler;
        Tags = tags;
    }

    /// <summary>--init-from or --continue, for messages.</summary>
    public string Flag { get; }

    /// <summary>The file or run named.</summary>
    public string Path { get; }

    /// <summary>The model to start from; null for a .npy codebook.</summary>
    public SomModel? Model { get; }

    /// <summary>Whether the model is trained further (--continue).</summary>
    public bool Continued { get; }

    public bool RefitScaler { get; }

    /// <summary>The run's tags: the parent run, or the start file's name and SHA-256.</summary>
    public Dictionary<string, string> Tags { get; }

    /// <summary>Reads what --init-from or --continue names; null when neither is given.</summary>
    public static async Task<TrainStart?> OpenAsync(string? initFrom, string? continueFrom, bool refitScaler, KohonenSettings settings, string? store, CancellationToken cancellationToken)
    {
        if (initFrom is not null && continueFrom is not null)
        {
            throw new UsageException("--init-from and --continue: give one (--init-from starts a new training from a codebook, --continue trains a model further).");
        }

        if (refitScaler && continueFrom is null)
        {
            throw new UsageException("--refit-scaler goes with --continue (a training from --init-from fits its scaler anyway).");
        }

        if (initFrom is not null)
        {
            var tags = FileTags("init_from", initFrom, "--init-from");
            return Extension(initFrom) switch
            {
                ".som" => new TrainStart("--init-from", initFrom, SomFile.Load(initFrom), continued: false, refitScaler: false, tags),
                ".npy" => new TrainStart("--init-from", initFrom, null, continued: false, refitScaler: false, tags),
                _ => throw new UsageException($"--init-from takes a model (.som) or a codebook (.npy); '{initFrom}' is neither."),
            };
        }

        if (continueFrom is null)
        {
            return null;
        }

        if (File.Exists(continueFrom))
        {
            if (Extension(continueFrom) != ".som")
            {
                throw new UsageException($"--continue takes a model (.som file) or a run id; '{continueFrom}' is not a .som file.");
            }

            return new TrainStart("--continue", continueFrom, SomFile.Load(continueFrom), continued: true, refitScaler, FileTags("parent_model", continueFrom, "--continue"));
        }

        if (continueFrom.Length is < RunIds.MinPrefixLength or > 32 || !continueFrom.All(char.IsAsciiHexDigit))
        {
            throw new UsageException($"--continue: '{continueFrom}' is neither a model file nor a run id (32 hexadecimal digits, or the first {RunIds.MinPrefixLength} or more).");
        }

        var opened = TrackingStores.Open(settings, store);
        try
        {
            var runId = await RunIds.ResolveAsync(opened, continueFrom, cancellationToken).ConfigureAwait(false);
            var bytes = await opened.ReadArtifactAsync(runId, "model.som", cancellationToken).ConfigureAwait(false);
            var model = SomFile.FromBytes(bytes, $"run {runId}: model.som");
            return new TrainStart("--continue", runId, model, continued: true, refitScaler, new(StringComparer.Ordinal) { ["parent_run_id"] = runId });
        }
        finally
        {
            TrackingStores.Close(opened);
        }
    }

    /// <summary>
    /// The options of a continued training: the model's grid, features and scaling; the algorithm,
    /// passes and neighbourhood of the flags, else the model's; σ from --sigma (default the model's
    /// final σ) to --sigma-end (default where it starts: held) along --sigma-decay (default linear), and
    /// α alike.
    /// </summary>
    public SomOptions ContinueOptions(SomOptions given, ContinueFlags flags)
    {
        var model = Model!;
        var trained = model.Options ?? throw new UsageException(
            $"--continue: the model {Path} records no training options (it was not made by training), so it has no schedule to continue; start a new training from it with --init-from.");
        var differences = new List<string>();
        if (flags.Width is { } w && w != model.Width)
        {
            differences.Add($"--width {w}");
        }

        if (flags.Height is { } h && h != model.Height)
        {
            differences.Add($"--height {h}");
        }

        if (flags.Topology is { } t && t != model.Grid.Topology)
        {
            differences.Add($"--topology {OptionText.ToText(t)}");
        }

        if (flags.Toroidal && !model.Grid.Toroidal)
        {
            differences.Add("--toroidal");
        }

        if (differences.Count > 0)
        {
            throw new UsageException($"--continue keeps the model's grid ({Describe(model.Grid)}); {string.Join(", ", differences)} differs. Drop it, or start a new map with --init-from.");
        }

        if (flags.Scaling is not null && !RefitScaler)
        {
            throw new UsageException("--continue keeps the model's scaler; --scale goes with --refit-scaler.");
        }

        var sigma = flags.Sigma ?? trained.FinalSigma;
        var learningRate = flags.LearningRate ?? trained.FinalLearningRate;
        return given with
        {
            Width = model.Width,
            Height = model.Height,
            Topology = model.Grid.Topology,
            Toroidal = model.Grid.Toroidal,
            Algorithm = flags.Algorithm ?? trained.Algorithm,
            Iterations = flags.Passes ?? trained.Iterations,
            Neighborhood = flags.Neighborhood ?? trained.Neighborhood,
            Sigma = sigma,
            SigmaEnd = flags.SigmaEnd ?? sigma,
            SigmaDecay = flags.SigmaDecay ?? Decay.Linear,
            LearningRate = learningRate,
            LearningRateEnd = flags.LearningRateEnd ?? learningRate,
            LearningRateDecay = flags.LearningRateDecay ?? Decay.Linear,
            Scaling = flags.Scaling ?? model.Scaler?.Kind ?? Scaling.None,
            Shuffle = given.Shuffle || trained.Shuffle,
            ExactNeighborhood = given.ExactNeighborhood || trained.ExactNeighborhood,
            Initialization = Initialization.Given,
        };
    }

    /// <summary>Checks the start against the training's grid and data before anything is recorded, and
    /// reads a .npy codebook.</summary>
    public void Check(SomOptions options, DataSource input)
    {
        if (Model is { } model)
        {
            if (model.Width != options.Width || model.Height != options.Height || model.Grid.Topology != options.Topology || model.Grid.Toroidal != options.Toroidal)
            {
                throw new UsageException(
                    $"{Flag}: the model {Path} is a {Describe(model.Grid)} map; this training's is {Describe(options.CreateGrid())}. Without --width, --height, --topology and --toroidal a training takes the model's grid.");
            }

            if (model.Dimension != input.Columns)
            {
                throw new UsageException(
                    $"{Flag}: the model {Path} has {model.Dimension} features ({string.Join(", ", model.FeatureNames)}); the data has {input.Columns} ({string.Join(", ", input.ColumnNames)}). Choose them with --columns.");
            }
        }
        else
        {
            _codebook = CodebookFile.ReadNpy(Path, options.Width, options.Height, input.Columns);
        }
    }

    /// <summary>How the session trains: the model continued (its scaler kept), refitted, or a given codebook.</summary>
    public SomModel Train(SomTrainer trainer, DataSource data, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        Model is { } model
            ? Continued && !RefitScaler ? trainer.Continue(model, data, progress, cancellationToken) : trainer.Fit(data, model, progress, cancellationToken)
            : trainer.Fit(data, _codebook ?? throw new InvalidOperationException("Check reads the codebook before training."), progress, cancellationToken);

    private static string Describe(Grid grid) =>
        $"{grid.Width}×{grid.Height} {OptionText.ToText(grid.Topology)}{(grid.Toroidal ? " toroidal" : "")}";

    private static string Extension(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant();

    private static Dictionary<string, string> FileTags(string prefix, string path, string flag)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{flag}: the file '{path}' does not exist.");
        }

        using var stream = File.OpenRead(path);
        return new(StringComparer.Ordinal)
        {
            [prefix + "_file"] = System.IO.Path.GetFileName(path),
            [prefix + "_sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)),
        };
    }
}

/// <summary>The flags a continued training takes from the command line; null where not given.</summary>
internal sealed record ContinueFlags(
    int? Width,
    int? Height,
    Topology? Topology,
    bool Toroidal,
    TrainingAlgorithm? Algorithm,
    int? Passes,
    Neighborhood? Neighborhood,
    double? Sigma,
    double? SigmaEnd,
    Decay? SigmaDecay,
    double? LearningRate,
    double? LearningRateEnd,
    Decay? LearningRateDecay,
    Scaling? Scaling);
