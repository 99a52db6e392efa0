// Online training with the fused step: the training's state and its entry point.
// Guarantees: the codebook of OnlineTrainer's unfused loops (the classic algorithm), bit for bit, at
// every vector width and on one thread or two; the same samples, order and random draws.
// Held by: tests/Kohonen.Tests/Training/FusedOnlineTrainingTests.cs (against the unfused loops, at
// every vector width, flat, hexagonal, toroidal, one thread and two) and DeterminismTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*OnlineStepBenchmarks*' '*TrainerBenchmarks*'
// The parts: FusedOnlineTraining.Loop.cs (the iterations, correctness-critical: the order of samples
// and draws), .Steps.cs (the neighbourhood factors each step applies, correctness-critical),
// .TwoThreads.cs (the handoff of half a step to a second thread) and .ThreadChoice.cs (the timer that
// picks one thread or two: tuning, safe to touch, it changes the speed only).

using System.Diagnostics;
using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// Online training with the Gaussian and few features (<see cref="FusedOnlineStep.IsSupported"/>):
/// every sample's update is fused with the next sample's search, so the codebook is read once a
/// sample. The samples, their order and the random draws are those of the unfused loop: the next
/// iteration's order is drawn when its first sample is needed, at the last sample of the one before.
/// </summary>
/// <remarks>
/// On maps of at least <see cref="TwoThreadNodes"/> nodes, with two threads allowed, the step is
/// split by grid rows: the calling thread does the lower half, a worker the upper half, and they
/// meet once a sample, when the halves' best nodes are compared (the lower half wins a tie, as its
/// indices are lower). A step is microseconds long, too short to hand to the thread pool, so the
/// worker waits by spinning, and by yielding once a wait grows long (while the caller measures the
/// map between iterations, say). Each node's arithmetic is the same either way, so the codebook is
/// the same, bit for bit, on one thread or two, so the training may choose per iteration
/// (<see cref="ThreadChoice"/>): on a machine whose other core is busy (a build, a browser) a
/// handoff waits for the worker to get a processor back, and two threads can be several times slower
/// than one. The per-sample code is compiled optimised at once (AggressiveOptimization on the loops,
/// <see cref="Step"/> and the kernel): left to tiered compilation, a short training ran its first
/// thousands of steps unoptimised. <see cref="Step"/> is one method called from the loops, and the
/// kernel for the dimension and vector width is chosen once (<see cref="FusedOnlineStep.For"/>): inlined
/// into each other, with the kernel switch at every call site, they made the loop 24 KB of machine
/// code that took the JIT 40–50 ms to compile, inside a short training's time.
/// </remarks>
internal sealed partial class FusedOnlineTraining : IDisposable
{
    /// <summary>Nodes from which a step is split across two threads: below it a handoff costs about
    /// as much as the half step it saves (docs/performance.md has the measurements).</summary>
    public const int TwoThreadNodes = 4096;

    /// <summary>Nodes up to which a rectangular map is laid out as one row of all its nodes, with a
    /// table of the BMUs' steps (see <see cref="FillFlatSteps"/>): a short grid row is mostly padding
    /// (a 10-node row is 16 lanes of 256-bit vectors) and its per-row work dominates a small map's
    /// step. The table holds nodes² floats: 256 KiB at this size.</summary>
    public const int FlatNodes = 256;

    private readonly RowPlanes _planes;

    /// <summary>The step for this dimension and vector width, chosen once.</summary>
    private readonly FusedOnlineStep.Kernel _kernel;
    private readonly NeighborhoodTable _table;
    private readonly DataMatrix _data;

    /// <summary>The data's values, row after row (a row's span taken without a call).</summary>
    private readonly float[] _values;

    /// <summary>Each node's column and row: table look-ups instead of two divisions on the way from
    /// one sample's BMU to the next step, which cannot start before them.</summary>
    private readonly int[] _columnOf, _rowOf;
    private readonly float _cutoff;

    /// <summary>The cut-off the rectangular step checks node by node this iteration: 0 when no node's
    /// step can fall below it (see <see cref="NeighborhoodTable.SetCentredScales"/>).</summary>
    private float _rectangularCutoff;

    /// <summary>On a hexagonal grid (see <see cref="CentreHexagonal"/>), for this iteration: per BMU
    /// row (Height floats from row·Height) the row scales, their least and largest; per BMU centre
    /// in half cells (2·Width of them; 2·Stride floats from centre·2·Stride) the x factors of the even
    /// rows, then of the odd ones, cut with the largest scale kept beside them, and their least; each
    /// filled the first time this iteration a sample needs it, where its iteration is
    /// <see cref="_iteration"/>. The sample's step reads the slices at <see cref="_hexagonalRowsAt"/>
    /// and <see cref="_hexagonalFactorsAt"/> and checks <see cref="_hexagonalCutoff"/> node by node.</summary>
    private readonly float[] _hexagonalRowScales, _hexagonalLeastScale, _hexagonalLargestScale;
    private readonly float[] _hexagonalFactors, _hexagonalLeastFactor, _hexagonalFactorsCutWith;
    private readonly int[] _hexagonalRowsIteration, _hexagonalFactorsIteration;
    private int _hexagonalRowsAt, _hexagonalFactorsAt;
    private float _hexagonalCutoff;
    private readonly bool _rectangular;

    /// <summary>Whether the map is laid out as one row (<see cref="FlatNodes"/>); then
    /// <see cref="_flatSteps"/> holds, for BMU b, the steps of every node from b·Stride, filled for
    /// this iteration where <see cref="_flatStepsIteration"/>[b] is <see cref="_iteration"/>.</summary>
    private readonly bool _flat;
    private readonly Memory<float> _flatSteps;
    private readonly int[] _flatStepsIteration;
    private readonly int _gridWidth, _gridHeight;
    private int _iteration;

    /// <summary>Whether the map is tiled (<see cref="Layout.Tiled"/>): laid out as one row, with
    /// <see cref="_tiledRows"/> (see <see cref="FillTiledRows"/>), each BMU row's moving vectors
    /// [<see cref="_moveFrom"/>, <see cref="_moveEnd"/>), and per BMU column a table of
    /// <see cref="_tiledPeriod"/> x factors in <see cref="_tiledColumns"/>, filled for this iteration
    /// where <see cref="_tiledColumnsIteration"/> is <see cref="_iteration"/>.</summary>
    private readonly bool _tiled;
    private readonly float[] _tiledRows;
    private readonly int[] _moveFrom, _moveEnd;
    private readonly Memory<float> _tiledColumns;
    private readonly int[] _tiledColumnsIteration;
    private readonly int _tiledPeriod;

    /// <summary>Whether this iteration fills BMUs' steps when a step first needs them (fewer samples
    /// than nodes) rather than all at its start.</summary>
    private bool _fillStepsOnDemand;

    /// <summary>The one row's scale: the steps are whole in the table, and 1·h = h exactly.</summary>
    private static readonly float[] UnitRowScale = [1f];
    private readonly int _split;
    private readonly Thread? _worker;

    private FusedOnlineTraining(float[] codebook, Grid grid, TrainingRun run, int lanes)
    {
        _data = run.Data;
        _rectangular = grid.Topology == Topology.Rectangular;
        var twoThreads = run.MaxThreads >= 2 && Environment.ProcessorCount >= 2 && grid.NodeCount >= TwoThreadNodes && grid.Height >= 2;
        var layout = LayoutFor(grid, lanes, twoThreads);
        _flat = layout == Layout.Flat;
        _tiled = layout == Layout.Tiled;
        _planes = layout == Layout.GridRows
            ? new RowPlanes(codebook, grid.Width, grid.Height, _data.Columns, lanes)
            : new RowPlanes(codebook, grid.NodeCount, 1, _data.Columns, lanes);
        _kernel = FusedOnlineStep.For(_planes);
        _tiledPeriod = _tiled ? Period(grid.Width, lanes) : 0;
        _tiledRows = new float[_tiled ? ((2 * grid.Height) - 1) * grid.Width + (_planes.Stride - grid.NodeCount) : 0];
        _moveFrom = new int[_tiled ? grid.Height : 0];
        _moveEnd = new int[_tiled ? grid.Height : 0];
        _tiledColumns = _tiled ? AlignedBuffer.Allocate(grid.Width * _tiledPeriod) : Memory<float>.Empty;
        _tiledColumnsIteration = new int[_tiled ? grid.Width : 0];
        _tiledColumnsIteration.AsSpan().Fill(-1);
        _flatSteps = _flat ? AlignedBuffer.Allocate(grid.NodeCount * _planes.Stride) : Memory<float>.Empty;
        _gridWidth = grid.Width;
        _gridHeight = grid.Height;
        _flatStepsIteration = new int[_flat ? grid.NodeCount : 0];
        _flatStepsIteration.AsSpan().Fill(-1);
        _values = _data.RawValues;
        _columnOf = new int[grid.NodeCount];
        _rowOf = new int[grid.NodeCount];
        for (var k = 0; k < grid.NodeCount; k++)
        {
            (_columnOf[k], _rowOf[k]) = grid.CoordinatesOf(k);
        }

        _table = new NeighborhoodTable(grid, Neighborhood.Gaussian, _planes.Stride);
        var hexagonal = grid.Topology == Topology.Hexagonal;
        _hexagonalRowScales = new float[hexagonal ? grid.Height * grid.Height : 0];
        _hexagonalLeastScale = new float[hexagonal ? grid.Height : 0];
        _hexagonalLargestScale = new float[hexagonal ? grid.Height : 0];
        _hexagonalRowsIteration = new int[hexagonal ? grid.Height : 0];
        _hexagonalRowsIteration.AsSpan().Fill(-1);
        _hexagonalFactors = new float[hexagonal ? 2 * grid.Width * 2 * _planes.Stride : 0];
        _hexagonalLeastFactor = new float[hexagonal ? 2 * grid.Width : 0];
        _hexagonalFactorsCutWith = new float[hexagonal ? 2 * grid.Width : 0];
        _hexagonalFactorsIteration = new int[hexagonal ? 2 * grid.Width : 0];
        _hexagonalFactorsIteration.AsSpan().Fill(-1);
        _cutoff = run.Options.ExactNeighborhood ? 0f : SomOptions.NeighborhoodCutoff;
        _split = grid.Height;
        if (layout == Layout.GridRows && twoThreads)
        {
            _split = grid.Height / 2;
            _worker = new Thread(WorkOnUpperRows) { IsBackground = true, Name = "Kohonen fused online step" };
            _worker.Start();
        }

        // One thread steps through the samples: the other core measures the history meanwhile.
        run.MeasureAside = _worker is null;
    }

    /// <param name="codebook">The initial codebook, node-major; trained in place.</param>
    /// <param name="grid">The map's grid.</param>
    /// <param name="run">Data, options, schedule, threads, progress.</param>
    /// <param name="random">The random stream (shuffling).</param>
    /// <param name="lanes">The vector width in floats: 16 (512-bit), 8 (256-bit) or 4 (128-bit); 0 for the widest
    /// this machine runs. Either gives the same codebook, bit for bit.</param>
    public static void Train(float[] codebook, Grid grid, TrainingRun run, SomRandom random, int lanes = 0)
    {
        lanes = lanes == 0 ? VectorWidths.PreferredLanes : lanes;
        Debug.Assert(VectorWidths.Runs(lanes));
        using var training = new FusedOnlineTraining(codebook, grid, run, lanes);
        training.Run(codebook, run, random);
    }

    public void Dispose()
    {
        if (_worker is not null)
        {
            Volatile.Write(ref _stopping, 1);
            _worker.Join();
        }
    }
}
