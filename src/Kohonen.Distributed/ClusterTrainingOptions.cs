namespace Kohonen.Distributed;

/// <summary>How a training spreads over a cluster and how long it waits for it.</summary>
public sealed class ClusterTrainingOptions
{
    /// <summary>The partitions the rows are cut into (contiguous row ranges, in file order); at least
    /// one, at most the rows. More partitions than workers lets a dead worker's share spread over
    /// the others. Default 4.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>How long one call to a partition may take before it counts as failed (the BMU
    /// search of a partition is one call). Default 5 minutes.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times a failed call is tried again (its partition re-activated on a
    /// surviving worker) before the training fails. Default 5.</summary>
    public int Retries { get; init; } = 5;

    /// <summary>The wait before trying a failed call again, doubled at each of the first three tries (membership needs a
    /// few seconds to declare a worker dead). Default 2 seconds.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the coordinator asks the cluster which workers are active: calls running
    /// when one leaves are tried again at once instead of waiting out <see cref="CallTimeout"/>.
    /// Default 1 second.</summary>
    public TimeSpan MembershipPoll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The threads the coordinator smooths with; null for every core.</summary>
    public int? Threads { get; init; }

    /// <summary>The folder the trainer's data path is given relative to on the workers (see
    /// <see cref="WorkerOptions.DataRoot"/>); the path is sent as given.</summary>
    public string? DataPath { get; init; }

    /// <summary>Told, in one line, each time a failed call is tried again (which call, why, which
    /// attempt comes next), so that a lost worker is seen while the training goes on. Called on any
    /// thread; null to say nothing. The count is also in each epoch's timing.</summary>
    public Action<string>? OnRetry { get; init; }
}
