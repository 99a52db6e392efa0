namespace Kohonen.Tracking.Mlflow;

/// <summary>How an <see cref="MlflowClient"/> reaches its server.</summary>
public sealed record MlflowClientOptions
{
    /// <summary>The tracking server, such as <c>http://mlflow:5000</c> (<c>MLFLOW_TRACKING_URI</c>).</summary>
    public required Uri TrackingUri { get; init; }

    /// <summary>A bearer token (<c>MLFLOW_TRACKING_TOKEN</c>), or null.</summary>
    public string? Token { get; init; }

    /// <summary>Basic authentication (<c>MLFLOW_TRACKING_USERNAME</c>), or null.</summary>
    public string? Username { get; init; }

    /// <summary>Basic authentication (<c>MLFLOW_TRACKING_PASSWORD</c>), or null.</summary>
    public string? Password { get; init; }

    /// <summary>Tries after the first when the server answers 429 or 5xx or cannot be reached.
    /// Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The first wait before a retry; each later one doubles (unless the server sends
    /// Retry-After). Default 0.5 s.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The longest wait between tries. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request may take. Default 100 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);
}
