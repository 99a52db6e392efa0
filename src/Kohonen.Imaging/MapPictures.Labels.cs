using SkiaSharp;

namespace Kohonen.Imaging;

public static partial class MapPictures
{
    /// <summary>
    /// Each node coloured by the majority label of the rows it wins (<see cref="SomModel.LabelMap"/>),
    /// nodes that win no row in light grey, with a legend. Labels are coloured and listed in their
    /// natural order (<see cref="NodeLabels.NaturalOrder"/>: numbers numerically, text alphabetically);
    /// past 20 labels the colours repeat. The legend is always whole: beside the map in as many columns
    /// as its height needs while the map keeps at least 55 % of the width, otherwise below the map in
    /// rows.
    /// </summary>
    public static byte[] LabelMap(SomModel model, DataMatrix data, IReadOnlyList<string> labels, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= PictureOptions.Default;
        var map = model.LabelMap(data, labels);
        var order = labels.Distinct(StringComparer.Ordinal).Order(NodeLabels.NaturalOrder).ToList();
        var position = order.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        var entries = order.Select((l, i) => (l, ColorMaps.Category(i))).ToList();
        entries.Add(("no samples", Chart.Empty));
        return CategoryMap(model.Grid, node =>
        {
            var (x, y) = model.Grid.CoordinatesOf(node);
            return map[x, y] is { } label ? entries[position[label]].Item2 : Chart.Empty;
        }, entries, options.Title ?? "Labels (majority per node)", options.Width, borders: null);
    }

    /// <summary>
    /// The labels the model keeps (<see cref="SomModel.Labels"/>): each node coloured by its label,
    /// nodes that borrowed their label from the nearest labelled node drawn paler, with the whole legend
    /// in natural order (as <see cref="LabelMap(SomModel, DataMatrix, IReadOnlyList{string}, PictureOptions?)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The model keeps no labels.</exception>
    public static byte[] LabelMap(SomModel model, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var labels = model.Labels ?? throw new ArgumentException("The model keeps no labels; train it with labels first.", nameof(model));
        options ??= PictureOptions.Default;
        var entries = labels.Classes.Select((l, i) => (l, ColorMaps.Category(i))).ToList();
        entries.Add(("borrowed (paler)", Pale(Chart.Ink)));
        return CategoryMap(model.Grid, node =>
        {
            var color = ColorMaps.Category(labels.ClassOf(node));
            return labels.IsBorrowed(node) ? Pale(color) : color;
        }, entries, options.Title ?? "Labels kept by the map", options.Width, borders: null);
    }

    /// <summary>
    /// The segments the model keeps (<see cref="SomModel.Segments"/>) in two panels: the nodes coloured
    /// by segment, and the U-matrix (viridis, light cells far from their neighbours) with the borders
    /// between segments drawn over it as dark lines. A legend lists the segments with their node counts.
    /// </summary>
    /// <exception cref="ArgumentException">The model keeps no segments.</exception>
    public static byte[] SegmentMap(SomModel model, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var segments = model.Segments ?? throw new ArgumentException("The model keeps no segments; cluster it first.", nameof(model));
        options ??= PictureOptions.Default;
        var width = options.Width;
        var titleBand = TitleSize + (2 * Margin);
        var entries = Enumerable.Range(0, segments.Count)
            .Select(s => ($"segment {s} ({segments.Segments.ToArray().Count(v => v == s)} nodes)", ColorMaps.Category(s))).ToList();
        var line = LabelSize * 1.6f;
        var panelWidth = (width - (3 * Margin)) / 2f;
        var left = new MapGeometry(model.Grid, SKRect.Create(Margin, titleBand + line, panelWidth, panelWidth * 4), centred: false);
        var rightArea = SKRect.Create((2 * Margin) + panelWidth, titleBand + line, panelWidth - BarSpace(LabelSize), panelWidth * 4);
        var right = new MapGeometry(model.Grid, rightArea, centred: false);
        var legend = LegendLayout(entries, width - (2 * Margin));
        var mapHeight = Math.Max(left.Bounds.Height, right.Bounds.Height);
        var height = (int)Math.Ceiling(titleBand + line + mapHeight + Margin + legend.Height + Margin);
        var (bitmap, canvas) = Chart.NewCanvas(width, height);
        using (bitmap)
        using (canvas)
        {
            Chart.Title(canvas, options.Title ?? $"{segments.Count} segments ({OptionText.ToText(segments.Method)})", width, TitleSize, Margin);
            Chart.Text(canvas, "Segments", left.Bounds.Left, titleBand + LabelSize, LabelSize, bold: true);
            Chart.Text(canvas, "U-matrix with segment borders", right.Bounds.Left, titleBand + LabelSize, LabelSize, bold: true);
            left.FillCells(canvas, node => ColorMaps.Category(segments.SegmentOf(node)));
            DrawBorders(canvas, left, segments);
            var u = model.UMatrix();
            DrawHeatmap(canvas, model.Grid, (x, y) => u[x, y], SKRect.Create(rightArea.Left, rightArea.Top, rightArea.Width + BarSpace(LabelSize), right.Bounds.Height), LabelSize, labels: null);
            DrawBorders(canvas, right, segments, SKColors.White, 3);
            DrawBorders(canvas, right, segments);
            DrawLegend(canvas, legend, entries, Margin, titleBand + line + mapHeight + Margin);
            return Chart.Png(bitmap);
        }
    }

    /// <summary>A map of categories with the whole legend: beside it when the legend fits there in
    /// columns no taller than the map, otherwise below it in rows across the width.</summary>
    private static byte[] CategoryMap(Grid grid, Func<int, SKColor> colorOf, IReadOnlyList<(string Label, SKColor Color)> entries, string title, int width, NodeSegments? borders)
    {
        var titleBand = TitleSize + (2 * Margin);
        var column = entries.Max(e => Chart.TextWidth(e.Label, LabelSize)) + LabelSize + 18;
        var line = LabelSize * 1.6f;

        // Beside: the map takes what the legend's columns leave, keeping at least 55 % of the width.
        var besideWidth = width - (2 * Margin) - 16;
        for (var columns = 1; columns <= entries.Count; columns++)
        {
            var mapWidth = besideWidth - (columns * column);
            if (mapWidth < width * 0.55f)
            {
                break;
            }

            var geometry = new MapGeometry(grid, SKRect.Create(Margin, titleBand, mapWidth, mapWidth * 4), centred: false);
            var perColumn = Math.Max(1, (int)Math.Floor(geometry.Bounds.Height / line));
            if (perColumn * columns < entries.Count)
            {
                continue;
            }

            var height = (int)Math.Ceiling(titleBand + Math.Max(geometry.Bounds.Height, Math.Min(entries.Count, perColumn) * line) + Margin);
            return Draw(geometry, height, (canvas, _) =>
            {
                for (var c = 0; c < columns; c++)
                {
                    Chart.Legend(canvas, geometry.Bounds.Right + 16 + (c * column), titleBand, [.. entries.Skip(c * perColumn).Take(perColumn)], LabelSize);
                }
            });
        }

        // Below: the map over the whole width, the legend in rows under it.
        var full = new MapGeometry(grid, SKRect.Create(Margin, titleBand, width - (2 * Margin), (width - (2 * Margin)) * 4), centred: false);
        var layout = LegendLayout(entries, width - (2 * Margin));
        var below = (int)Math.Ceiling(titleBand + full.Bounds.Height + Margin + layout.Height + Margin);
        return Draw(full, below, (canvas, geometry) => DrawLegend(canvas, layout, entries, Margin, geometry.Bounds.Bottom + Margin));

        byte[] Draw(MapGeometry geometry, int height, Action<SKCanvas, MapGeometry> legend)
        {
            var (bitmap, canvas) = Chart.NewCanvas(width, height);
            using (bitmap)
            using (canvas)
            {
                Chart.Title(canvas, title, width, TitleSize, Margin);
                geometry.FillCells(canvas, colorOf);
                if (borders is not null)
                {
                    DrawBorders(canvas, geometry, borders);
                }

                legend(canvas, geometry);
                return Chart.Png(bitmap);
            }
        }
    }

    /// <summary>Legend entries laid out in rows across a width: how many per row, and the height.</summary>
    private static (int PerRow, float Column, float Height) LegendLayout(IReadOnlyList<(string Label, SKColor Color)> entries, float width)
    {
        var column = entries.Max(e => Chart.TextWidth(e.Label, LabelSize)) + LabelSize + 18;
        var perRow = Math.Max(1, (int)Math.Floor(width / column));
        var rows = (entries.Count + perRow - 1) / perRow;
        return (perRow, column, rows * LabelSize * 1.6f);
    }

    private static void DrawLegend(SKCanvas canvas, (int PerRow, float Column, float Height) layout, IReadOnlyList<(string Label, SKColor Color)> entries, float left, float top)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            Chart.Legend(canvas, left + (i % layout.PerRow * layout.Column), top + (i / layout.PerRow * LabelSize * 1.6f), [entries[i]], LabelSize);
        }
    }

    /// <summary>Lines on the edges shared by cells of different segments (diagonal neighbours share no edge; edges that wrap
    /// around a torus are left out).</summary>
    private static void DrawBorders(SKCanvas canvas, MapGeometry geometry, NodeSegments segments, SKColor? color = null, float strokeWidth = 1.5f)
    {
        using var pen = new SKPaint { Color = color ?? Chart.Ink, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(strokeWidth, geometry.Unit / 12), IsAntialias = true, StrokeCap = SKStrokeCap.Round };
        var grid = geometry.Grid;
        var half = grid.Topology == Topology.Hexagonal ? geometry.Unit / (2 * MathF.Sqrt(3)) : geometry.Unit / 2;
        Span<int> around = stackalloc int[Grid.MaxNeighbors];
        for (var node = 0; node < grid.NodeCount; node++)
        {
            var count = grid.NeighborsOf(node, around);
            for (var j = 0; j < count; j++)
            {
                var other = around[j];
                if (other <= node || segments.SegmentOf(other) == segments.SegmentOf(node))
                {
                    continue;
                }

                var a = geometry.Centre(node);
                var b = geometry.Centre(other);
                var dx = b.X - a.X;
                var dy = b.Y - a.Y;
                var length = MathF.Sqrt((dx * dx) + (dy * dy));
                if (length > geometry.Unit * 1.05f)
                {
                    continue;
                }

                var mid = new SKPoint((a.X + b.X) / 2, (a.Y + b.Y) / 2);
                var px = -dy / length * half;
                var py = dx / length * half;
                canvas.DrawLine(mid.X - px, mid.Y - py, mid.X + px, mid.Y + py, pen);
            }
        }
    }

    private static SKColor Pale(SKColor c) =>
        new((byte)(c.Red + ((255 - c.Red) * 0.55)), (byte)(c.Green + ((255 - c.Green) * 0.55)), (byte)(c.Blue + ((255 - c.Blue) * 0.55)));
}
