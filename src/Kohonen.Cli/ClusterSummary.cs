namespace Kohonen.Cli;

/// <summary>How a training across a cluster went: in <c>kohonen train --cluster --json</c>.</summary>
/// <param name="Cluster">The cluster's address.</param>
/// <param name="Workers">Workers active when the training started.</param>
/// <param name="Partitions">Partitions the rows were cut into.</param>
/// <param name="BytesPerEpoch">The payload one epoch moves (codebook out, sums through the partitions).</param>
/// <param name="Retries">Calls tried again (workers lost) over the whole training.</param>
/// <param name="Epochs">Per epoch: compute, transfer and reduce seconds.</param>
internal sealed record ClusterSummary(string Cluster, int Workers, int Partitions, long BytesPerEpoch, int Retries, IReadOnlyList<ClusterEpoch> Epochs);

/// <summary>One epoch of a cluster training, in seconds.</summary>
internal sealed record ClusterEpoch(int Epoch, double ComputeSeconds, double TransferSeconds, double ReduceSeconds, int Retries);
