// The blocked search's codebook layout: panels of near nodes, feature-major, with norms and ids.
// Guarantees: every node sits in exactly one slot; padding slots have id -1 and a norm of +infinity
// (never a candidate); each panel's centre and radius bound all its nodes (the panel skipping relies on it).
// Held by: tests/Kohonen.Tests/Kernels/BlockedBmuSearchTests.cs (every row's BMU and top two against the
// node-by-node scan, near ties, hints of every kind, both widths) and SearchPlannerTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BlockedSearchBenchmarks*'
// (and '*TrainerBenchmarks*' for the batch map's time).

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

internal static partial class BlockedBmuSearch
{
    /// <summary>
    /// A codebook laid out for the kernel: panels of one tile's nodes (24, three 256-bit vectors, or
    /// 32, two 512-bit ones), nodes near each other in data space together (so that a panel far from
    /// a tile of rows can be passed over: <see cref="FindBest"/>'s hints), each feature-major (the panel's nodes' feature 0, then their
    /// feature 1, …), so that a tile's pass over the features reads one contiguous run of memory; the
    /// nodes padded to a whole panel, and ‖w‖² per slot (+∞ for the padding, so it never wins).
    /// </summary>
    /// <remarks>
    /// The panel is exactly what one tile reads per feature. A 32-node panel read 16 nodes at a time
    /// (as an earlier 256-bit tile did) strides 128 bytes and so uses half the L1 cache's sets: at 300
    /// features a half-panel's 300 lines met 32 sets of 8 ways and missed the cache throughout.
    /// </remarks>
    internal sealed class Prepared
    {
        /// <param name="codebook">The codebook, node-major.</param>
        /// <param name="dim">Features per node.</param>
        /// <param name="wide">Lay out for 512-bit vectors; null (the default) does where the hardware
        /// has them. Tests lay out for both widths.</param>
        public Prepared(float[] codebook, int dim, bool? wide = null)
        {
            Codebook = codebook;
            Dim = dim;
            Wide = wide ?? Vector512.IsHardwareAccelerated;
            Panel = Wide ? 2 * WideLanes : 3 * Lanes;
            Nodes = codebook.Length / dim;
            Padded = (Nodes + Panel - 1) / Panel * Panel;
            Planes = AlignedBuffer.Allocate(dim * Padded);
            Norms = AlignedBuffer.Allocate(Padded);
            Ids = new int[Padded];
            var panels = Padded / Panel;
            _centres = new float[panels * dim];
            _centre = new double[dim];
            _order = new int[Nodes];
            _keys = new float[Nodes];
            Radii = new float[panels];
            CenterPlanes = new float[dim * ((panels + (2 * Lanes) - 1) / (2 * Lanes) * 2 * Lanes)];
            CenterNorms = new float[(panels + (2 * Lanes) - 1) / (2 * Lanes) * 2 * Lanes];
            Refill();
        }

        /// <summary>
        /// Lays the codebook out again after its weights changed (a batch epoch's new codebook), into
        /// the buffers made at construction: the same layout, bit for bit, as a new instance would make
        /// of it, without allocating. Not while a search runs on this instance.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Refill()
        {
            var codebook = Codebook;
            var dim = Dim;
            Ids.AsSpan().Fill(-1);
            var planes = Planes.Span;
            var norms = Norms.Span;
            norms.Fill(float.PositiveInfinity);
            MaxNorm = 0;

            // The nodes in panel order, Panel at a time; each panel's nodes then in index order.
            var order = SplitOrder(codebook, dim, Nodes, Panel, _order, _keys, _blocks);
            var centres = _centres;
            var centre = _centre;
            var panels = Padded / Panel;
            for (var g = 0; g < panels; g++)
            {
                var count = Math.Min(Panel, Nodes - (g * Panel));
                var members = order.AsSpan(g * Panel, count);
                members.Sort();
                Array.Clear(centre);
                for (var j = 0; j < count; j++)
                {
                    var k = members[j];
                    var slot = (g * Panel) + j;
                    Ids[slot] = k;
                    var w = codebook.AsSpan(k * dim, dim);
                    var norm = 0f;
                    for (var f = 0; f < dim; f++)
                    {
                        planes[(g * Panel * dim) + (f * Panel) + j] = w[f];
                        norm += w[f] * w[f];
                        centre[f] += w[f];
                    }

                    norms[slot] = norm;
                    MaxNorm = Math.Max(MaxNorm, norm);
                }

                // The padding slots' weights are 0 (never read as a candidate: their norm is +∞).
                for (var j = count; j < Panel; j++)
                {
                    for (var f = 0; f < dim; f++)
                    {
                        planes[(g * Panel * dim) + (f * Panel) + j] = 0f;
                    }
                }

                var c = centres.AsSpan(g * dim, dim);
                for (var f = 0; f < dim; f++)
                {
                    c[f] = (float)(centre[f] / count);
                }

                var radius = 0.0;
                foreach (var k in members)
                {
                    var d2 = 0.0;
                    for (var f = 0; f < dim; f++)
                    {
                        var d = (double)codebook[(k * dim) + f] - c[f];
                        d2 += d * d;
                    }

                    radius = Math.Max(radius, Math.Sqrt(d2));
                }

                Radii[g] = (float)radius;
                var stride = CenterNorms.Length;
                var centreNorm = 0f;
                for (var f = 0; f < dim; f++)
                {
                    CenterPlanes[(f * stride) + g] = c[f];
                    centreNorm += c[f] * c[f];
                }

                CenterNorms[g] = centreNorm;
            }
        }

        /// <summary>The nodes by recursive median splits along the widest feature
        /// (<see cref="BoundedBlocks.Split"/>), <paramref name="panel"/> at a time.</summary>
        private static int[] SplitOrder(float[] codebook, int dim, int nodes, int panel, int[] order, float[] keys, List<(int, int)> blocks)
        {
            for (var k = 0; k < nodes; k++)
            {
                order[k] = k;
            }

            blocks.Clear();
            BoundedBlocks.Split(codebook, dim, panel, order, keys, 0, nodes, blocks);
            return order;
        }

        private readonly float[] _centres;
        private readonly double[] _centre;
        private readonly int[] _order;
        private readonly float[] _keys;
        private readonly List<(int, int)> _blocks = [];

        /// <summary>The node at each slot of the panels, −1 for the padding. Weight f of the node at
        /// slot s is at <c>Planes[(s / P)·P·Dim + f·P + s mod P]</c> with P = <see cref="Panel"/>.</summary>
        public int[] Ids { get; }

        /// <summary>Per panel, the largest distance of one of its nodes from its centre.</summary>
        public float[] Radii { get; }

        /// <summary>The centres feature-major, sixteen panels to two vectors (feature f of panel g at
        /// <c>f·S + g</c>, S = <see cref="CenterNorms"/>' length), zeros beyond the last panel.</summary>
        public float[] CenterPlanes { get; }

        /// <summary>‖c‖² per panel (the float32 sum of squares, in feature order).</summary>
        public float[] CenterNorms { get; }

        /// <summary>The largest ‖w‖² of a real node.</summary>
        public float MaxNorm { get; private set; }

        public float[] Codebook { get; }

        public int Dim { get; }

        /// <summary>Whether the layout (and so the search) is for 512-bit vectors.</summary>
        public bool Wide { get; }

        /// <summary>Nodes per panel: those of one tile.</summary>
        public int Panel { get; }

        public int Nodes { get; }

        public int Padded { get; }

        /// <summary>The panels, from a 64-byte boundary (<see cref="AlignedBuffer"/>), so that no
        /// vector load of them straddles two cache lines.</summary>
        public Memory<float> Planes { get; }

        /// <summary>‖w‖² per node, padding included, from a 64-byte boundary.</summary>
        public Memory<float> Norms { get; }
    }
}
