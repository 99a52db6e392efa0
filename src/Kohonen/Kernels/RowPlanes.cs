// The fused online step's codebook layout: grid row by grid row, feature by feature, padded to whole vectors.
// Guarantees: CopyTo gives back the node-major codebook; padding lanes are never a BMU.
// Held by: tests/Kohonen.Tests/Kernels/FusedOnlineStepTests.cs.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*OnlineStepBenchmarks*'

using System.Diagnostics;

namespace Kohonen.Kernels;

/// <summary>
/// A small-dimension codebook laid out for <see cref="FusedOnlineStep"/>: grid row by grid row, and
/// within a row feature by feature, each row's run of weights padded to whole vectors of
/// <see cref="Lanes"/> floats (16 for 512-bit kernels, 8 for 256-bit ones, 4 for 128-bit ones). Weight f of node (x, y)
/// is at <c>Weights[(y·Dim + f)·Stride + x]</c>. The padding lanes x ≥ Width
/// start at 0 and are never a BMU; an update may move them (towards an input, so they stay finite). One grid row is then whole vectors with no scalar tail, and
/// the rows' factors of a separable neighbourhood apply to whole vectors.
/// </summary>
internal sealed class RowPlanes
{
    private readonly Memory<float> _weights;
    private readonly Memory<float> _chunkLeast;

    /// <summary>Vectors of distances per entry of <see cref="ChunkLeast"/>.</summary>
    public const int ChunkVectors = 1 << ChunkShift;

    /// <summary>The base-2 logarithm of <see cref="ChunkVectors"/>.</summary>
    public const int ChunkShift = 3;

    /// <param name="codebook">Node-major weights (<c>[node·dim + f]</c>).</param>
    /// <param name="width">Columns of the grid.</param>
    /// <param name="height">Rows of the grid.</param>
    /// <param name="dim">Features per node.</param>
    /// <param name="lanes">Floats per vector of the kernel that will run on it (16, 8 or 4).</param>
    public RowPlanes(ReadOnlySpan<float> codebook, int width, int height, int dim, int lanes)
    {
        Debug.Assert(codebook.Length == width * height * dim && lanes is 4 or 8 or 16);
        Lanes = lanes;
        Width = width;
        Height = height;
        Dim = dim;
        Stride = (width + Lanes - 1) / Lanes * Lanes;
        _weights = AlignedBuffer.Allocate(height * dim * Stride);
        _chunkLeast = AlignedBuffer.Allocate(height == 1 ? ((Stride / Lanes) + ChunkVectors - 1) / ChunkVectors * Lanes : height * Lanes);
        var weights = Weights;
        for (var k = 0; k < width * height; k++)
        {
            var (y, x) = Math.DivRem(k, width);
            for (var f = 0; f < dim; f++)
            {
                weights[(((y * dim) + f) * Stride) + x] = codebook[(k * dim) + f];
            }
        }
    }

    /// <summary>Floats per vector, the unit a row is padded to.</summary>
    public int Lanes { get; }

    public int Width { get; }

    public int Height { get; }

    public int Dim { get; }

    /// <summary>Floats from one feature's run of a row to the next: Width rounded up to <see cref="Lanes"/>.</summary>
    public int Stride { get; }

    /// <summary>The weights, from a 64-byte boundary (<see cref="AlignedBuffer"/>): every row and
    /// feature run starts a cache line.</summary>
    public Span<float> Weights => _weights.Span;

    /// <summary>The fused step's scratch for finding the BMU: entry c (<see cref="Lanes"/> floats)
    /// is the lane-wise least of the distances from the first searched up to the end of chunk c,
    /// so that only the first chunk holding the least is measured again. A chunk is
    /// <see cref="ChunkVectors"/> vectors in the one-row layout, else a grid row (steps over disjoint
    /// row ranges write disjoint entries), from a 64-byte boundary.</summary>
    public Span<float> ChunkLeast => _chunkLeast.Span;

    /// <summary>Writes the weights back in the stored node-major order (<c>[node·dim + f]</c>).</summary>
    public void CopyTo(Span<float> codebook)
    {
        Debug.Assert(codebook.Length == Width * Height * Dim);
        var weights = Weights;
        for (var k = 0; k < Width * Height; k++)
        {
            var (y, x) = Math.DivRem(k, Width);
            for (var f = 0; f < Dim; f++)
            {
                codebook[(k * Dim) + f] = weights[(((y * Dim) + f) * Stride) + x];
            }
        }
    }
}
