// The search planner: which BMU search runs, from the dimension, node count, rows per call and processor.
// Guarantees: only searches the processor runs natively are picked, and every one gives the node-by-node
// scan's answer, so the choice changes the speed only (a model trains to the same bits on any machine).
// Held by: tests/Kohonen.Tests/Kernels/SearchPlannerTests.cs, Training/PlannedSearchTrainingTests.cs, and the
// core's tests run again by .ci/run with DOTNET_EnableHWIntrinsic=0 and DOTNET_EnableAVX2=0.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*BatchPredictionBenchmarks*' '*TrainerBenchmarks*'

using System.Runtime.Intrinsics;

namespace Kohonen.Kernels;

/// <summary>
/// The one place that decides which BMU search runs, from the dimension, the node count, the rows
/// a call searches and the processor's vector support. Training, the quality metrics and a model's
/// predictions all ask it. The choice changes the speed only: every search answers as the
/// node-by-node scan does, so a model trains to the same bits whichever search a machine gets.
/// </summary>
internal static class SearchPlanner
{
    /// <summary>Rows per call from which the blocked search pays for laying out the codebook and
    /// packing the rows (a tile is 4 rows; a call of a few rows leaves most of its work undone).</summary>
    public const int BlockedMinimumRows = 16;

    /// <summary>Whether this processor runs the blocked search natively: 512-bit vectors, or 256-bit
    /// ones with fused multiply-adds. Elsewhere its vectors would be emulated, far slower than a scan.</summary>
    public static bool BlockedRuns => Vector512.IsHardwareAccelerated || Bits256.IsSupported;

    /// <summary>The search for <paramref name="rowsPerCall"/> rows at a time against a codebook that
    /// stays fixed while it is searched (a trained model; a batch epoch; the metrics).</summary>
    public static BmuSearchKind ForFixedCodebook(int dim, int nodes, int rowsPerCall) =>
        dim >= BmuSearch.PlanarBelowDimension && nodes >= 2 && rowsPerCall >= BlockedMinimumRows && BlockedRuns
            ? BmuSearchKind.Blocked
            : ForOneRow(dim);

    /// <summary>The search for one row at a time against a fixed codebook.</summary>
    public static BmuSearchKind ForOneRow(int dim) =>
        BoundedBlocks.IsSupported(dim) ? BmuSearchKind.BoundedBlocks : ForChangingCodebook(dim);

    /// <summary>The search for a codebook that moves after every row (online training without the
    /// fused step): planes across nodes below <see cref="BmuSearch.PlanarBelowDimension"/> features,
    /// else node by node.</summary>
    public static BmuSearchKind ForChangingCodebook(int dim) =>
        dim < BmuSearch.PlanarBelowDimension ? BmuSearchKind.Planar : BmuSearchKind.NodeByNode;

    /// <summary>The search for each row's best and second-best node (the quality metrics): the
    /// blocked one when <see cref="ForFixedCodebook"/> would take it, bounded blocks where
    /// <see cref="ForOneRow"/> would take them (below <see cref="BmuSearch.PlanarBelowDimension"/>
    /// features, two nodes or more), else node by node.</summary>
    public static BmuSearchKind ForBestTwo(int dim, int nodes, int rowsPerCall) =>
        ForFixedCodebook(dim, nodes, rowsPerCall) switch
        {
            BmuSearchKind.Blocked => BmuSearchKind.Blocked,
            BmuSearchKind.BoundedBlocks when nodes >= 2 => BmuSearchKind.BoundedBlocks,
            _ => BmuSearchKind.NodeByNode,
        };

    /// <summary>The search for <paramref name="distance"/> over a fixed codebook: the Manhattan distance
    /// has no expansion into a matrix product (‖x‖² − 2x·w + ‖w‖² is the Euclidean one's), so it runs
    /// across nodes on planes at any dimension (<see cref="ManhattanDistance"/>); the cosine distance is
    /// the Euclidean search of unit vectors (<see cref="CosineNormal"/>), so it gets
    /// <see cref="ForFixedCodebook"/>'s choice, the blocked search included.</summary>
    public static BmuSearchKind ForDistance(DistanceMetric distance, int dim, int nodes, int rowsPerCall) =>
        distance == DistanceMetric.Manhattan ? BmuSearchKind.Planar : ForFixedCodebook(dim, nodes, rowsPerCall);

    /// <summary>The search of <c>ForChangingCodebook(dim)</c> for <paramref name="distance"/>: planes at any
    /// dimension for the Manhattan distance.</summary>
    public static BmuSearchKind ForChangingCodebookIn(DistanceMetric distance, int dim) =>
        distance == DistanceMetric.Manhattan ? BmuSearchKind.Planar : ForChangingCodebook(dim);

    /// <summary>Whether online training with the Gaussian runs the fused step (update and next search
    /// in one pass: <see cref="FusedOnlineStep"/>); otherwise its search is
    /// <see cref="ForChangingCodebook"/>'s.</summary>
    public static bool FusesOnlineStep(int dim) => FusedOnlineStep.IsSupported(dim);
}
