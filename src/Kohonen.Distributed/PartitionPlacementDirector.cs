using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Orleans.Runtime.Placement;

namespace Kohonen.Distributed;

/// <summary>
/// Places partition grains (keyed "training id/partition index") evenly over the workers: the
/// compatible silos Orleans offers (the active ones that host the grain) are put in a stable order
/// (address, port, generation), and partition p goes to the silo at (p + offset) modulo their
/// number, the offset a hash of the training id. A training of k·N partitions on N workers thus
/// gives each worker k, and one of fewer partitions than workers does not always start on the same
/// worker. A partition activated again after its worker died is placed the same way among the silos
/// still offered, so on a live one once the dead one is declared. Where work runs is all it decides:
/// the sums are still added in partition order.
/// </summary>
internal sealed class PartitionPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No active worker can host the partition {target.GrainIdentity}.");
        }

        return Task.FromResult(Choose(target.GrainIdentity.Key.ToString() ?? "", silos));
    }

    /// <summary>The silo of <paramref name="silos"/> (in any order) for the partition keyed
    /// <paramref name="key"/>.</summary>
    internal static SiloAddress Choose(string key, IReadOnlyList<SiloAddress> silos)
    {
        var ordered = silos.Order(SiloOrder.Instance).ToArray();
        var slash = key.LastIndexOf('/');
        var job = slash < 0 ? key : key[..slash];
        var offset = (long)XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(job));
        var index = slash >= 0 && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        return ordered[(int)((offset + index) % ordered.Length)];
    }

    private sealed class SiloOrder : IComparer<SiloAddress>
    {
        public static readonly SiloOrder Instance = new();

        public int Compare(SiloAddress? x, SiloAddress? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? -1 : 1;
            }

            var a = x.Endpoint.Address.GetAddressBytes();
            var b = y.Endpoint.Address.GetAddressBytes();
            var order = a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.AsSpan().SequenceCompareTo(b);
            if (order == 0)
            {
                order = x.Endpoint.Port.CompareTo(y.Endpoint.Port);
            }

            return order != 0 ? order : x.Generation.CompareTo(y.Generation);
        }
    }
}
