using SkiaSharp;

namespace Kohonen.Imaging;

/// <summary>
/// Where the cells of a grid go inside a pixel rectangle. Rectangular cells are squares of side
/// <see cref="Unit"/>. Hexagonal cells are pointy-top hexagons of circumradius Unit/√3 centred on the
/// grid's positions (x + ½·(y mod 2), y·√3/2) in units, so that they tile the plane: row 0 at the top,
/// column 0 at the left.
/// </summary>
internal sealed class MapGeometry
{
    private static readonly double HexRadius = 1 / Math.Sqrt(3);

    /// <param name="grid">The grid.</param>
    /// <param name="area">The pixels available.</param>
    /// <param name="centred">Centre the cells in the area (true) or put them at its top left.</param>
    public MapGeometry(Grid grid, SKRect area, bool centred = true)
    {
        Grid = grid;
        var hex = grid.Topology == Topology.Hexagonal;
        // The extent of the cells in grid units.
        WidthUnits = hex && grid.Height > 1 ? grid.Width + 0.5 : grid.Width;
        HeightUnits = hex ? ((grid.Height - 1) * Grid.HexRowHeight) + (2 * HexRadius) : grid.Height;
        Unit = (float)Math.Min(area.Width / WidthUnits, area.Height / HeightUnits);
        var width = (float)(WidthUnits * Unit);
        var height = (float)(HeightUnits * Unit);
        Bounds = centred
            ? SKRect.Create(area.Left + ((area.Width - width) / 2), area.Top + ((area.Height - height) / 2), width, height)
            : SKRect.Create(area.Left, area.Top, width, height);
    }

    public Grid Grid { get; }

    /// <summary>Pixels per grid unit.</summary>
    public float Unit { get; }

    /// <summary>The pixel rectangle the cells cover.</summary>
    public SKRect Bounds { get; }

    public double WidthUnits { get; }

    public double HeightUnits { get; }

    /// <summary>The pixel centre of a node's cell.</summary>
    public SKPoint Centre(int node)
    {
        var (px, py) = Grid.PositionOf(node);
        return Grid.Topology == Topology.Hexagonal
            ? new SKPoint(Bounds.Left + (float)((px + 0.5) * Unit), Bounds.Top + (float)((py + HexRadius) * Unit))
            : new SKPoint(Bounds.Left + (float)((px + 0.5) * Unit), Bounds.Top + (float)((py + 0.5) * Unit));
    }

    /// <summary>Fills every cell with the colour <paramref name="colorOf"/> gives its node.
    /// Rectangles are drawn without anti-aliasing (their colours are exact); hexagons with it, and a
    /// hair larger, so that no background shows between neighbours.</summary>
    public void FillCells(SKCanvas canvas, Func<int, SKColor> colorOf)
    {
        using var paint = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = Grid.Topology == Topology.Hexagonal };
        for (var node = 0; node < Grid.NodeCount; node++)
        {
            paint.Color = colorOf(node);
            if (Grid.Topology == Topology.Rectangular)
            {
                var (x, y) = Grid.CoordinatesOf(node);
                // Snap cell edges to whole pixels from the exact positions so cells touch without gaps.
                var left = MathF.Round(Bounds.Left + (x * Unit));
                var top = MathF.Round(Bounds.Top + (y * Unit));
                var right = MathF.Round(Bounds.Left + ((x + 1) * Unit));
                var bottom = MathF.Round(Bounds.Top + ((y + 1) * Unit));
                canvas.DrawRect(SKRect.Create(left, top, right - left, bottom - top), paint);
            }
            else
            {
                using var path = Hexagon(Centre(node), (float)(HexRadius * Unit) + 0.5f);
                canvas.DrawPath(path, paint);
            }
        }
    }

    /// <summary>A pointy-top hexagon.</summary>
    public static SKPath Hexagon(SKPoint centre, float radius)
    {
        var path = new SKPath();
        for (var k = 0; k < 6; k++)
        {
            var angle = Math.PI / 180 * ((60 * k) - 90);
            var p = new SKPoint(centre.X + (radius * (float)Math.Cos(angle)), centre.Y + (radius * (float)Math.Sin(angle)));
            if (k == 0)
            {
                path.MoveTo(p);
            }
            else
            {
                path.LineTo(p);
            }
        }

        path.Close();
        return path;
    }
}
