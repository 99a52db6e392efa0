using System.Globalization;
using System.Text;

namespace Kohonen.Server.Dashboard;

/// <summary>A map as SVG cells (squares, or hexagons with odd rows offset by half a cell), one element
/// per node in node order (index = y·width + x), filled with the viridis colour of a value per node.</summary>
internal static class MapCells
{
    /// <summary>Viridis at eleven stops (a colour map read alike by the common colour blindnesses).</summary>
    private static readonly (byte R, byte G, byte B)[] Viridis =
    [
        (68, 1, 84), (72, 36, 117), (65, 68, 135), (53, 95, 141), (42, 120, 142), (33, 145, 140),
        (34, 168, 132), (68, 191, 112), (122, 209, 81), (189, 223, 38), (253, 231, 37),
    ];

    public static string Colour(double t)
    {
        t = double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        var position = t * (Viridis.Length - 1);
        var i = Math.Min((int)position, Viridis.Length - 2);
        var f = position - i;
        var (a, b) = (Viridis[i], Viridis[i + 1]);
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(a.R, b.R, f):x2}{Mix(a.G, b.G, f):x2}{Mix(a.B, b.B, f):x2}");
    }

    private static int Mix(byte a, byte b, double f) => (int)Math.Round(a + (b - a) * f);

    /// <summary>Okabe and Ito's colours, told apart with the common colour blindnesses; categories
    /// past the eighth take the colours again from the first.</summary>
    public static readonly string[] Categories = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

    /// <summary>The colour of category <paramref name="index"/> (0-based).</summary>
    public static string Category(int index) => Categories[((index % Categories.Length) + Categories.Length) % Categories.Length];

    /// <summary>The SVG of the cells filled with the viridis colour of each node's value (low to high).</summary>
    public static string Svg(Grid grid, IReadOnlyList<float> values, string label)
    {
        var finite = values.Where(float.IsFinite).ToList();
        var (min, max) = finite.Count == 0 ? (0f, 1f) : (finite.Min(), finite.Max());
        var span = max > min ? max - min : 1f;
        return Svg(grid, [.. values.Select(v => Colour((v - min) / span))], label);
    }

    /// <summary>The SVG of the cells: viewBox in cell units, each element with its fill (one per node).</summary>
    public static string Svg(Grid grid, IReadOnlyList<string> fills, string label)
    {
        var hex = grid.Topology == Topology.Hexagonal;
        var width = hex ? grid.Width + 0.5 : grid.Width;
        var height = hex ? (grid.Height - 1) * Grid.HexRowHeight + 2 / Math.Sqrt(3) : grid.Height;
        var top = hex ? 1 / Math.Sqrt(3) : 0;
        var svg = new StringBuilder(64 + grid.NodeCount * 48);
        var c = CultureInfo.InvariantCulture;
        svg.Append(c, $"<svg id=\"map\" class=\"map{(hex ? " hex" : "")}\" viewBox=\"0 0 {width:0.###} {height:0.###}\" role=\"grid\" tabindex=\"0\" aria-label=\"{label}: {grid.Width}×{grid.Height} map; arrow keys move between nodes\" data-width=\"{grid.Width}\" data-height=\"{grid.Height}\" data-topology=\"{(hex ? "hexagonal" : "rectangular")}\"><g class=\"cells\">");
        for (var index = 0; index < grid.NodeCount; index++)
        {
            var fill = fills[index];
            var (x, y) = grid.CoordinatesOf(index);
            if (hex)
            {
                var (px, py) = grid.PositionOf(index);
                svg.Append(c, $"<use href=\"#hx\" x=\"{px + 0.5:0.###}\" y=\"{py + top:0.###}\" fill=\"{fill}\"/>");
            }
            else
            {
                svg.Append(c, $"<rect x=\"{x}\" y=\"{y}\" fill=\"{fill}\"/>");
            }
        }

        svg.Append("</g>");
        if (hex)
        {
            // A pointy-top hexagon one cell wide around (0, 0).
            var r = 1 / Math.Sqrt(3);
            var points = string.Join(" ", Enumerable.Range(0, 6).Select(k =>
            {
                var angle = Math.PI / 180 * (60 * k - 30);
                return string.Create(c, $"{r * Math.Cos(angle):0.####},{r * Math.Sin(angle):0.####}");
            }));
            svg.Append(c, $"<defs><polygon id=\"hx\" points=\"{points}\"/></defs>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The levels of viridis a canvas-drawn map takes (one byte per node).</summary>
    public const int CanvasLevels = 256;

    /// <summary>A map too large for SVG cells, as a canvas the script draws: the same cell geometry as
    /// <see cref="Svg(Grid, IReadOnlyList{string}, string)"/>, the colours as a palette and each node's
    /// entry in it (index = y·width + x).</summary>
    public static string Canvas(Grid grid, IReadOnlyList<string> palette, IReadOnlyList<int> entries, string label)
    {
        var hex = grid.Topology == Topology.Hexagonal;
        var width = hex ? grid.Width + 0.5 : grid.Width;
        var height = hex ? (grid.Height - 1) * Grid.HexRowHeight + 2 / Math.Sqrt(3) : grid.Height;
        var c = CultureInfo.InvariantCulture;
        var colours = System.Text.Json.JsonSerializer.Serialize(new { palette, entries });
        return string.Create(c, $"<canvas id=\"map\" class=\"map{(hex ? " hex" : "")}\" role=\"grid\" tabindex=\"0\" aria-label=\"{label}: {grid.Width}×{grid.Height} map; arrow keys move between nodes\" data-width=\"{grid.Width}\" data-height=\"{grid.Height}\" data-topology=\"{(hex ? "hexagonal" : "rectangular")}\"></canvas><script type=\"application/json\" id=\"map-colours\">{colours}</script>");
    }

    /// <summary>The style that keeps a canvas map (and its colour bar) within 80% of the window's
    /// height at its own aspect ratio.</summary>
    public static string CanvasMaxWidth(Grid grid)
    {
        var hex = grid.Topology == Topology.Hexagonal;
        var width = hex ? grid.Width + 0.5 : grid.Width;
        var height = hex ? (grid.Height - 1) * Grid.HexRowHeight + 2 / Math.Sqrt(3) : grid.Height;
        return string.Create(CultureInfo.InvariantCulture, $"max-width: calc(80vh * {width / height:0.####})");
    }

    /// <summary>Viridis at <see cref="CanvasLevels"/> steps and each value's step (low to high).</summary>
    public static (IReadOnlyList<string> Palette, IReadOnlyList<int> Entries) Levels(IReadOnlyList<float> values)
    {
        var (min, max) = Range(values);
        var span = max > min ? max - min : 1f;
        var palette = Enumerable.Range(0, CanvasLevels).Select(k => Colour(k / (double)(CanvasLevels - 1))).ToArray();
        var entries = values.Select(v => float.IsFinite(v) ? (int)Math.Round((v - min) / span * (CanvasLevels - 1)) : 0).ToArray();
        return (palette, entries);
    }

    /// <summary>The colour bar's ends for a legend.</summary>
    public static (float Min, float Max) Range(IReadOnlyList<float> values)
    {
        var finite = values.Where(float.IsFinite).ToList();
        return finite.Count == 0 ? (0, 0) : (finite.Min(), finite.Max());
    }
}
