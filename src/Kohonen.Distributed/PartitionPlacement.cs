namespace Kohonen.Distributed;

/// <summary>
/// Where a training's partitions are activated: spread evenly over the workers, partition p of a
/// training on worker (p + the training's offset) modulo the number of workers, the workers in a
/// stable order (see <see cref="PartitionPlacementDirector"/>). Every worker registers it
/// (<see cref="KohonenCluster.ConfigureWorkerServices"/>); grains ask for it with
/// <see cref="PartitionPlacementAttribute"/>.
/// </summary>
internal sealed class PartitionPlacement : PlacementStrategy
{
}
