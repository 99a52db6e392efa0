using System.Diagnostics;

namespace Kohonen;

/// <summary>
/// The lattice of a map: its size, cell shape and whether it wraps around (a torus).
/// </summary>
/// <remarks>
/// <para>Node (x, y): x is the column (0..Width−1), y the row (0..Height−1); the node index is
/// y·Width + x.</para>
/// <para>Positions: on a rectangular grid node (x, y) sits at (x, y). On a hexagonal grid odd rows
/// are offset by half a cell and rows are √3/2 apart, so node (x, y) sits at
/// (x + ½·(y mod 2), y·√3/2) and all six neighbours of a node are at distance exactly 1.</para>
/// <para>Grid distance is the Euclidean distance between positions. On a torus each axis wraps:
/// the x period is Width and the y period is Height (rectangular) or Height·√3/2 (hexagonal, which
/// needs an even Height so that row parity survives the wrap); the distance along an axis is the
/// shorter way round.</para>
/// <para>Neighbours (topographic error, U-matrix): on a rectangular grid the 8 surrounding cells
/// (Chebyshev distance 1), on a hexagonal grid the 6 cells at grid distance 1; on a torus across
/// the edges too. A node is never its own neighbour, and on tiny tori a cell reached twice counts
/// once.</para>
/// </remarks>
public sealed class Grid : IEquatable<Grid>
{
    /// <summary>The largest number of nodes a grid may have (2²⁴ ≈ 16.8 million).</summary>
    public const int MaxNodes = 1 << 24;

    /// <summary>The row pitch of a hexagonal grid: √3/2.</summary>
    public static readonly double HexRowHeight = Math.Sqrt(3.0) / 2.0;

    /// <summary>Creates a grid.</summary>
    /// <param name="width">Columns, at least 1.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="topology">The cell shape; rectangular by default.</param>
    /// <param name="toroidal">Whether both axes wrap around; false by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the node count is above
    /// <see cref="MaxNodes"/>, or a hexagonal torus has an odd height.</exception>
    public Grid(int width, int height, Topology topology = Topology.Rectangular, bool toroidal = false)
    {
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"The grid width must be at least 1; got {width}.");
        }

        if (height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, $"The grid height must be at least 1; got {height}.");
        }

        if ((long)width * height > MaxNodes)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width,
                $"A grid of {width}×{height} has {(long)width * height} nodes; at most {MaxNodes} are allowed.");
        }

        if (!Enum.IsDefined(topology))
        {
            throw new ArgumentOutOfRangeException(nameof(topology), topology, "Unknown topology; allowed: Rectangular, Hexagonal.");
        }

        if (topology == Topology.Hexagonal && toroidal && height % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height,
                $"A hexagonal toroidal grid needs an even height so that odd rows stay offset across the wrap; got {height}.");
        }

        Width = width;
        Height = height;
        Topology = topology;
        Toroidal = toroidal;
    }

    /// <summary>Number of columns.</summary>
    public int Width { get; }

    /// <summary>Number of rows.</summary>
    public int Height { get; }

    /// <summary>Cell shape.</summary>
    public Topology Topology { get; }

    /// <summary>Whether both axes wrap around.</summary>
    public bool Toroidal { get; }

    /// <summary>Width · Height.</summary>
    public int NodeCount => Width * Height;

    /// <summary>The node index of (x, y): y·Width + x.</summary>
    public int IndexOf(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Node ({x}, {y}) is outside the {Width}×{Height} grid (x in 0..{Width - 1}, y in 0..{Height - 1}).");
        }

        return (y * Width) + x;
    }

    /// <summary>The column and row of a node index.</summary>
    public (int X, int Y) CoordinatesOf(int index)
    {
        if ((uint)index >= (uint)NodeCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Node index must be in 0..{NodeCount - 1}.");
        }

        return (index % Width, index / Width);
    }

    /// <summary>The position of a node in the plane (see the remarks of <see cref="Grid"/>).</summary>
    public (double X, double Y) PositionOf(int index)
    {
        var (x, y) = CoordinatesOf(index);
        return Topology == Topology.Hexagonal
            ? (x + (0.5 * (y & 1)), y * HexRowHeight)
            : (x, y);
    }

    /// <summary>The squared grid distance between two nodes (wrapping on a torus).</summary>
    public double SquaredDistance(int a, int b)
    {
        var (ax, ay) = CoordinatesOf(a);
        var (bx, by) = CoordinatesOf(b);
        var dx = AxisDx(ax, ay, bx, by);
        return (dx * dx) + AxisDy2(ay, by);
    }

    /// <summary>The most neighbours a node can have (8, on a rectangular grid).</summary>
    public const int MaxNeighbors = 8;

    /// <summary>Whether two distinct nodes are neighbours (see the remarks of <see cref="Grid"/>).</summary>
    public bool AreNeighbors(int a, int b)
    {
        if (a == b)
        {
            return false;
        }

        if (Topology == Topology.Hexagonal)
        {
            return Math.Abs(SquaredDistance(a, b) - 1.0) < 1e-9;
        }

        var (ax, ay) = CoordinatesOf(a);
        var (bx, by) = CoordinatesOf(b);
        int dx = Math.Abs(ax - bx), dy = Math.Abs(ay - by);
        if (Toroidal)
        {
            dx = Math.Min(dx, Width - dx);
            dy = Math.Min(dy, Height - dy);
        }

        return dx <= 1 && dy <= 1;
    }

    /// <summary>
    /// Writes the neighbours of a node, in ascending index order, into <paramref name="destination"/>
    /// (at least <see cref="MaxNeighbors"/> long) and returns how many there are.
    /// </summary>
    public int NeighborsOf(int index, Span<int> destination)
    {
        var (x, y) = CoordinatesOf(index);
        if (destination.Length < MaxNeighbors)
        {
            throw new ArgumentException($"The destination must hold at least {MaxNeighbors} indices.", nameof(destination));
        }

        var count = 0;
        for (var dy = -1; dy <= 1; dy++)
        {
            for (var dx = -1; dx <= 1; dx++)
            {
                int nx = x + dx, ny = y + dy;
                if (Toroidal)
                {
                    nx = (nx + Width) % Width;
                    ny = (ny + Height) % Height;
                }
                else if ((uint)nx >= (uint)Width || (uint)ny >= (uint)Height)
                {
                    continue;
                }

                // Of the 3×3 block around a hexagonal node, the two corners on the far side of the
                // row offset are at distance √3, not 1: AreNeighbors leaves them out.
                var n = (ny * Width) + nx;
                if (AreNeighbors(index, n) && destination[..count].IndexOf(n) < 0)
                {
                    destination[count++] = n;
                }
            }
        }

        destination[..count].Sort();
        return count;
    }

    /// <summary>
    /// Fills the per-axis squared distances from a node (the BMU) to every column and row, so that
    /// the squared grid distance to node (x, y) is <c>dx2[y &amp; 1][x] + dy2[y]</c>: the x term
    /// depends only on the column and the row's parity (hexagonal rows are offset), the y term only on
    /// the row. This is what makes neighbourhood functions cheap: W + H values instead of W·H.
    /// </summary>
    /// <param name="bmu">The centre node.</param>
    /// <param name="dx2Even">Width values: the x terms for even rows.</param>
    /// <param name="dx2Odd">Width values: the x terms for odd rows (equal to the even ones on a
    /// rectangular grid).</param>
    /// <param name="dy2">Height values: the y terms.</param>
    internal void FillAxisSquaredDistances(int bmu, Span<double> dx2Even, Span<double> dx2Odd, Span<double> dy2)
    {
        Debug.Assert(dx2Even.Length >= Width && dx2Odd.Length >= Width && dy2.Length >= Height);
        var bx = bmu % Width;
        var by = bmu / Width;
        for (var x = 0; x < Width; x++)
        {
            var even = AxisDx(x, 0, bx, by);
            dx2Even[x] = even * even;
            var odd = AxisDx(x, 1, bx, by);
            dx2Odd[x] = odd * odd;
        }

        for (var y = 0; y < Height; y++)
        {
            dy2[y] = AxisDy2(y, by);
        }
    }

    /// <summary>The x distance between (ax, row ay) and (bx, row by), wrapped on a torus: a multiple
    /// of ½, so exact.</summary>
    private double AxisDx(int ax, int ay, int bx, int by)
    {
        double d = Topology == Topology.Hexagonal
            ? Math.Abs(ax + (0.5 * (ay & 1)) - (bx + (0.5 * (by & 1))))
            : Math.Abs(ax - bx);
        if (Toroidal)
        {
            d = Math.Min(d, Width - d);
        }

        return d;
    }

    /// <summary>
    /// The squared y distance between rows ay and by, wrapped on a torus. On a hexagonal grid it is
    /// ¾·rows² rather than (rows·√3/2)²: the same number, but exact, so that distances such as 1 and
    /// √3 compare exactly against σ (a bubble's edge must not depend on how √3/2 rounds).
    /// </summary>
    private double AxisDy2(int ay, int by)
    {
        var rows = Math.Abs(ay - by);
        if (Toroidal)
        {
            rows = Math.Min(rows, Height - rows);
        }

        return Topology == Topology.Hexagonal ? 0.75 * rows * rows : (double)rows * rows;
    }

    /// <inheritdoc />
    public bool Equals(Grid? other) =>
        other is not null && Width == other.Width && Height == other.Height && Topology == other.Topology && Toroidal == other.Toroidal;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Grid);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Width, Height, Topology, Toroidal);

    /// <inheritdoc />
    public override string ToString() => $"{Width}×{Height} {Topology.ToString().ToLowerInvariant()}{(Toroidal ? " toroidal" : "")}";
}
