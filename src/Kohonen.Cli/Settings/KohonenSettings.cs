using System.Globalization;
using Kohonen.Tracking;
using Microsoft.Extensions.Configuration;
using static System.FormattableString;

namespace Kohonen.Cli.Settings;

/// <summary>
/// Every setting, read once from the layers lowest to highest: built-in defaults, <c>appsettings.json</c>
/// and <c>.env</c> in the working directory, then environment variables (the Python original's names);
/// command-line flags override these in each command. A value that is not allowed stops the program
/// with the setting's name, its source and what is allowed.
/// </summary>
internal sealed class KohonenSettings
{
    /// <summary>Every setting this program reads, in the order <c>deploy/.env.example</c> lists them.</summary>
    public static readonly IReadOnlyList<Setting> All =
    [
        new("SOM_WIDTH", "1..65536", Invariant($"Map columns for `kohonen train` (flag --width). Default {SomOptions.Default.Width}.")),
        new("SOM_HEIGHT", "1..65536", Invariant($"Map rows for `kohonen train` (flag --height). Default {SomOptions.Default.Height}.")),
        new("SOM_ITERATIONS", Invariant($"1..{SomOptions.MaxIterations}"), Invariant($"Online passes (or batch epochs) for `kohonen train` (flags --iterations/--epochs). Default {SomOptions.Default.Iterations}.")),
        new("SOM_LEARNING_RATE", "a number in (0, 1]", Invariant($"Initial learning rate α₀ (flag --learning-rate). Default {SomOptions.Default.LearningRate}.")),
        new("SOM_SIGMA", "a number > 0", "Initial neighbourhood radius σ₀ in grid cells (flag --sigma). Default max(width, height)/2."),
        new("SOM_SIGMA_END", Invariant($"a number in (0, {SomOptions.MaxSide}]"), "Neighbourhood radius σ at the end of the schedule (flag --sigma-end). Default: where the decay ends by itself."),
        new("SOM_LEARNING_RATE_END", "a number in (0, 1]", "Learning rate α at the end of the schedule (flag --learning-rate-end). Default: where the decay ends by itself."),
        new("SOM_RANDOM_STATE", "a whole number in 0..2147483647", "Seed of every random choice (flag --seed). Default: drawn and reported."),
        new("SOM_INPUT_DIM", "1..4096", "Features of the random data `kohonen train` uses when no --data is given. Default 3."),
        new("SOM_SAMPLES", "1..10000000", "Rows of the random data `kohonen train` uses when no --data is given. Default 1000."),
        new("SOM_BATCH_SIZE", "1..10000000", "Rows per chunk when `kohonen train` streams its data file (.npy as it is; CSV or TSV through a temporary .npy) through the batch algorithm (flag --batch-size). Default: the whole file in memory."),
        new("SOM_DISTANCE", "euclidean, manhattan or cosine", "Distance of the BMU search and the quantization error (flag --distance). Default euclidean."),
        new("SOM_RUN_NAME", "any text", "Name of the run that `kohonen train` records (flag --run-name). Default: the data file's name, or 'random'."),
        new("SOM_VERBOSE", "true or false", "Print stack traces with errors (flag --verbose). Default false."),
        new("SOM_RUN_ID", "a run id", "The run whose model to serve or use (flag --run). Wins over SOM_RUN_ID_FILE."),
        new("SOM_RUN_ID_FILE", "a file path", "A file holding the run id to use (what `kohonen train --run-id-file` writes)."),
        new("SOM_METRIC_KEY", "a metric name", "The metric that ranks runs when no run is named (flag --metric). Default quantization_error."),
        new("SOM_METRIC_ASCENDING", "true or false", "Lowest metric first (true) or highest first (false; flag --descending). Default true."),
        new("SOM_FORCE_BEST", "true or false", "Ignore SOM_RUN_ID and SOM_RUN_ID_FILE and take the best run (flag --force-best). Default false."),
        new("KOHONEN_DATA", "a folder path", "The embedded store's data directory (flag --store). Default ./kohonen-data."),
        new("MLFLOW_TRACKING_URI", "an http:// or https:// address, or empty", "An MLflow tracking server to record runs in instead of the embedded store."),
        new("MLFLOW_EXPERIMENT_NAME", "any text", "The experiment runs are recorded in (flag --experiment). Default kohonen."),
        new("MLFLOW_TRACKING_TOKEN", "any text", "Bearer token for the MLflow server, if it needs one."),
        new("MLFLOW_TRACKING_USERNAME", "any text", "Basic-authentication user for the MLflow server, if it needs one."),
        new("MLFLOW_TRACKING_PASSWORD", "any text", "Basic-authentication password for the MLflow server."),
        new("PORT", "1..65535", "The port `kohonen serve` listens on when --urls is not given. Default 8000."),
        new("KOHONEN_API_KEY", "any text", "The key POST /train, POST /models/{id}/activate and DELETE /runs/{id} need in X-Api-Key; without one they answer only the server's own machine."),
        new("KOHONEN_MAX_BODY_BYTES", "1..268435456", "The largest request body the service accepts (413 above). Default 16777216 (16 MiB); at most 268435456 (256 MiB), which a request may make the service hold in memory."),
        new("KOHONEN_RATE_LIMIT", "0..1000000", "Requests per second one client (IP address) may make (429 above); 0 for no limit. Default 0."),
        new("KOHONEN_MAX_TRAININGS", "1..64", "Trainings POST /train may run at once (429 above). Default 1."),
        new("KOHONEN_TRAIN_DATA_DIR", "a folder path", "A folder whose CSV or .npy files POST /train may name as data_file. Default: none (inline data only)."),
        new("KOHONEN_CLUSTER", "redis://HOST:PORT", "The cluster (its Redis membership) `kohonen worker` joins and the service's POST /train trains across (`kohonen train` only with --cluster). Default: none (one machine)."),
        new("KOHONEN_CLUSTER_PARTITIONS", "1..65536", "Partitions a cluster training cuts the rows into (flag --partitions). Default: 4 per worker."),
        new("KOHONEN_CLUSTER_TIMEOUT", "1..86400", "Seconds one call to a partition may take before it counts as failed (flag --call-timeout). Default 300."),
        new("KOHONEN_CLUSTER_RETRIES", "0..100", "Times a failed call is tried again, its partition moved to a surviving worker, before the training fails (flag --retries). Default 5."),
        new("KOHONEN_WORKER_DATA_ROOT", "a folder path", "The folder `kohonen worker` reads data from: relative paths start there and no path may leave it (flag --data-root). Default: any path."),
        new("KOHONEN_WORKER_HOST", "a host name or address", "The address the other workers and the trainer reach this worker at (flag --host). Default: this machine's address."),
    ];

    /// <summary>The largest appsettings.json or .env read: 1 MiB.</summary>
    private const long MaxSettingsFileBytes = 1 << 20;

    private readonly Dictionary<string, (string Value, string Source)> _values;

    private KohonenSettings(Dictionary<string, (string Value, string Source)> values, string workingDirectory)
    {
        _values = values;
        WorkingDirectory = workingDirectory;
        Width = Int("SOM_WIDTH", 1, SomOptions.MaxSide) ?? SomOptions.Default.Width;
        Height = Int("SOM_HEIGHT", 1, SomOptions.MaxSide) ?? SomOptions.Default.Height;
        Iterations = Int("SOM_ITERATIONS", 1, SomOptions.MaxIterations) ?? SomOptions.Default.Iterations;
        LearningRate = Double("SOM_LEARNING_RATE", v => v is > 0 and <= 1) ?? SomOptions.Default.LearningRate;
        Sigma = Double("SOM_SIGMA", v => v > 0);
        SigmaEnd = Double("SOM_SIGMA_END", v => v is > 0 and <= SomOptions.MaxSide);
        LearningRateEnd = Double("SOM_LEARNING_RATE_END", v => v is > 0 and <= 1);
        RandomState = Int("SOM_RANDOM_STATE", 0, int.MaxValue);
        InputDim = Int("SOM_INPUT_DIM", 1, 4096) ?? 3;
        Samples = Int("SOM_SAMPLES", 1, 10_000_000) ?? 1000;
        BatchSize = Int("SOM_BATCH_SIZE", 1, 10_000_000);
        Distance = Text("SOM_DISTANCE") is not { } distance ? SomOptions.Default.Distance
            : OptionText.TryParse<DistanceMetric>(distance, out var metric) ? metric
            : throw Refuse("SOM_DISTANCE");
        RunName = Text("SOM_RUN_NAME");
        Verbose = Bool("SOM_VERBOSE") ?? false;
        Selection = new SelectionRules
        {
            RunId = Text("SOM_RUN_ID"),
            RunIdFile = PathText("SOM_RUN_ID_FILE") is { } file ? Path.GetFullPath(file, workingDirectory) : null,
            MetricKey = Text("SOM_METRIC_KEY") ?? "quantization_error",
            Ascending = Bool("SOM_METRIC_ASCENDING") ?? true,
            ForceBest = Bool("SOM_FORCE_BEST") ?? false,
        };
        DataDirectory = Path.GetFullPath(PathText("KOHONEN_DATA") ?? "kohonen-data", workingDirectory);
        MlflowTrackingUri = TrackingUri();
        ExperimentName = Text("MLFLOW_EXPERIMENT_NAME") ?? "kohonen";
        MlflowToken = Text("MLFLOW_TRACKING_TOKEN");
        MlflowUsername = Text("MLFLOW_TRACKING_USERNAME");
        MlflowPassword = Text("MLFLOW_TRACKING_PASSWORD");
        Port = Int("PORT", 1, 65535) ?? 8000;
        ApiKey = Text("KOHONEN_API_KEY");
        MaxBodyBytes = Long("KOHONEN_MAX_BODY_BYTES", 1, Kohonen.Server.KohonenServerOptions.MaxRequestBodyLimit) ?? 16 * 1024 * 1024;
        RateLimit = Int("KOHONEN_RATE_LIMIT", 0, 1_000_000) ?? 0;
        MaxTrainings = Int("KOHONEN_MAX_TRAININGS", 1, 64) ?? 1;
        TrainDataDirectory = PathText("KOHONEN_TRAIN_DATA_DIR") is { } dir ? Path.GetFullPath(dir, workingDirectory) : null;
        Cluster = Text("KOHONEN_CLUSTER");
        ClusterPartitions = Int("KOHONEN_CLUSTER_PARTITIONS", 1, 65536);
        ClusterTimeoutSeconds = Int("KOHONEN_CLUSTER_TIMEOUT", 1, 86400) ?? 300;
        ClusterRetries = Int("KOHONEN_CLUSTER_RETRIES", 0, 100) ?? 5;
        WorkerDataRoot = PathText("KOHONEN_WORKER_DATA_ROOT") is { } root ? Path.GetFullPath(root, workingDirectory) : null;
        WorkerHost = Text("KOHONEN_WORKER_HOST");
    }

    /// <summary>KOHONEN_CLUSTER: the cluster's redis:// address, or null.</summary>
    public string? Cluster { get; }

    /// <summary>KOHONEN_CLUSTER_PARTITIONS, or null for 4 per worker.</summary>
    public int? ClusterPartitions { get; }

    /// <summary>KOHONEN_CLUSTER_TIMEOUT in seconds, else 300.</summary>
    public int ClusterTimeoutSeconds { get; }

    /// <summary>KOHONEN_CLUSTER_RETRIES, else 5.</summary>
    public int ClusterRetries { get; }

    /// <summary>KOHONEN_WORKER_DATA_ROOT, absolute, or null.</summary>
    public string? WorkerDataRoot { get; }

    /// <summary>KOHONEN_WORKER_HOST, or null.</summary>
    public string? WorkerHost { get; }

    public string WorkingDirectory { get; }

    /// <summary>SOM_WIDTH, else the core's default.</summary>
    public int Width { get; }

    /// <summary>SOM_HEIGHT, else the core's default.</summary>
    public int Height { get; }

    /// <summary>SOM_ITERATIONS, else the core's default.</summary>
    public int Iterations { get; }

    /// <summary>SOM_LEARNING_RATE, else the core's default.</summary>
    public double LearningRate { get; }

    /// <summary>SOM_SIGMA, else null: the core's default, max(width, height)/2.</summary>
    public double? Sigma { get; }

    /// <summary>SOM_SIGMA_END, else null: each decay's own end.</summary>
    public double? SigmaEnd { get; }

    /// <summary>SOM_LEARNING_RATE_END, else null: each decay's own end.</summary>
    public double? LearningRateEnd { get; }

    public int? RandomState { get; }

    public int InputDim { get; }

    public int Samples { get; }

    public int? BatchSize { get; }

    public string? RunName { get; }

    /// <summary>SOM_DISTANCE, else the core's default (euclidean).</summary>
    public DistanceMetric Distance { get; }

    public bool Verbose { get; }

    /// <summary>The model-selection settings (flags may override them).</summary>
    public SelectionRules Selection { get; }

    /// <summary>The embedded store's folder, absolute.</summary>
    public string DataDirectory { get; }

    /// <summary>An MLflow server to use instead of the embedded store, or null.</summary>
    public Uri? MlflowTrackingUri { get; }

    public string ExperimentName { get; }

    public string? MlflowToken { get; }

    public string? MlflowUsername { get; }

    public string? MlflowPassword { get; }

    public int Port { get; }

    public string? ApiKey { get; }

    public long MaxBodyBytes { get; }

    public int RateLimit { get; }

    public int MaxTrainings { get; }

    public string? TrainDataDirectory { get; }

    /// <summary>Reads the layers. A malformed appsettings.json or .env, or a value not allowed, is a
    /// <see cref="SettingsException"/>.</summary>
    public static KohonenSettings Load(CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var layers = new List<(string Source, IReadOnlyDictionary<string, string?> Values)>();
        var json = Path.Combine(environment.WorkingDirectory, "appsettings.json");
        if (SafeFile.KindOf(json) != SafeFile.Kind.Missing)
        {
            layers.Add(("appsettings.json", ReadJson(json)));
        }

        var dotEnv = Path.Combine(environment.WorkingDirectory, ".env");
        if (SafeFile.KindOf(dotEnv) != SafeFile.Kind.Missing)
        {
            layers.Add((".env", ReadDotEnv(dotEnv)));
        }

        layers.Add(("the environment", environment.Variables));
        var values = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var (source, layer) in layers)
        {
            foreach (var setting in All)
            {
                if (layer.TryGetValue(setting.Name, out var value) && value is not null)
                {
                    values[setting.Name] = (value, source);
                }
            }
        }

        return new KohonenSettings(values, environment.WorkingDirectory);
    }

    /// <summary>The value a setting got and where from, for messages; null when unset.</summary>
    public string? SourceOf(string name) => _values.TryGetValue(name, out var v) ? v.Source : null;

    /// <summary>A settings file's text, through the one file reader: a FIFO, a device or a folder under
    /// the name is refused at once.</summary>
    private static string ReadSettingsFile(string path) =>
        SafeFile.ReadAllText(path, MaxSettingsFileBytes, reason => new SettingsException($"{path}: {reason}"));

    private static Dictionary<string, string?> ReadJson(string path)
    {
        var text = ReadSettingsFile(path);
        try
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
            var root = new ConfigurationBuilder().AddJsonStream(stream).Build();
            return root.AsEnumerable().Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new SettingsException($"{path}: not valid JSON settings ({(e.InnerException ?? e).Message}). Write an object such as {{\"SOM_WIDTH\": 20}}.");
        }
    }

    private static Dictionary<string, string?> ReadDotEnv(string path)
    {
        var text = ReadSettingsFile(path);
        try
        {
            // Read only: the values must not leak into this process's environment, where they would
            // outrank the real environment.
            return DotNetEnv.Env.LoadContents(text, DotNetEnv.Env.NoEnvVars())
                .GroupBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (string?)g.Last().Value, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
        {
            throw new SettingsException($"{path}: not a valid .env file ({e.Message}). Write one NAME=value per line.");
        }
    }

    private string? Text(string name) => _values.TryGetValue(name, out var v) && v.Value.Trim().Length > 0 ? v.Value.Trim() : null;

    /// <summary>A path setting: a NUL or another control character in it is refused, not passed on to
    /// the file system.</summary>
    private string? PathText(string name)
    {
        var text = Text(name);
        if (text is not null && text.Any(char.IsControl))
        {
            var (_, source) = _values[name];
            var allowed = All.First(s => s.Name == name).Allowed;
            throw new SettingsException(
                $"setting {name} (from {source}) contains a {(text.Contains('\0', StringComparison.Ordinal) ? "NUL" : "control")} character; allowed: {allowed} without control characters.");
        }

        return text;
    }

    private SettingsException Refuse(string name, string? because = null)
    {
        var (value, source) = _values[name];
        var allowed = All.First(s => s.Name == name).Allowed;
        return new SettingsException($"setting {name} (from {source}) is '{value}'{(because is null ? "" : $" ({because})")}; allowed: {allowed}.");
    }

    private int? Int(string name, int min, int max) => (int?)Long(name, min, max);

    private long? Long(string name, long min, long max)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Refuse(name);
    }

    private double? Double(string name, Func<double, bool> allowed)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && allowed(value)
            ? value
            : throw Refuse(name);
    }

    private bool? Bool(string name) => Text(name)?.ToLowerInvariant() switch
    {
        null => null,
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw Refuse(name),
    };

    private Uri? TrackingUri()
    {
        if (Text("MLFLOW_TRACKING_URI") is not { } text)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw Refuse("MLFLOW_TRACKING_URI", "only an MLflow server over HTTP is supported; leave it empty for the embedded store");
    }
}
