namespace Kohonen.Distributed;

/// <summary>A map trained across a cluster, with how the cluster spent the time.</summary>
/// <param name="Model">The map: the same as the batch map on one machine, bit for bit.</param>
/// <param name="Workers">The workers (silos) active when the training started.</param>
/// <param name="Partitions">The partitions the rows were cut into.</param>
/// <param name="Epochs">Per epoch, compute, transfer and reduce time.</param>
/// <param name="BytesPerEpoch">The payload an epoch moves: the codebook to every partition
/// (float32) and the running sums into and out of every partition (float64, counts included).</param>
public sealed record ClusterTrainingResult(SomModel Model, int Workers, int Partitions, IReadOnlyList<EpochTiming> Epochs, long BytesPerEpoch);
