using Orleans.Placement;

namespace Kohonen.Distributed;

/// <summary>Places a grain class's activations by <see cref="PartitionPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class PartitionPlacementAttribute() : PlacementAttribute(new PartitionPlacement())
{
}
