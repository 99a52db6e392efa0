namespace Kohonen.Distributed;

/// <summary>Where one epoch's time went.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="Compute">The partitions' own work: the slowest partition's BMU search (they run
/// at once) plus every partition's adding of its rows (they run one after the other).</param>
/// <param name="Transfer">The rest of the epoch outside the coordinator: sending the codebook and
/// the running sums, and the waits of the calls.</param>
/// <param name="Reduce">The coordinator's smoothing of the sums into the next codebook.</param>
/// <param name="Retries">Calls tried again in this epoch (a worker lost).</param>
public sealed record EpochTiming(int Epoch, TimeSpan Compute, TimeSpan Transfer, TimeSpan Reduce, int Retries);
