using SkiaSharp;

namespace Kohonen.Imaging;

public static partial class MapPictures
{
    /// <summary>The U-matrix (mean distance of each node to its neighbours) as a heatmap with a colour
    /// bar: light cells are borders between clusters.</summary>
    public static byte[] UMatrix(SomModel model, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= PictureOptions.Default;
        var u = model.UMatrix();
        return Heatmap(model.Grid, (x, y) => u[x, y], options.Title ?? "U-matrix (mean distance to neighbours)", options.Width, labels: null);
    }

    /// <summary>How many rows of <paramref name="data"/> each node wins, as a heatmap with a colour
    /// bar; the counts are written in the cells when they are large enough to read.</summary>
    public static byte[] HitMap(SomModel model, DataMatrix data, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= PictureOptions.Default;
        var hits = model.HitMap(data);
        return Heatmap(model.Grid, (x, y) => hits[x, y], options.Title ?? $"Hits ({data.Rows} samples)", options.Width,
            labels: (x, y) => hits[x, y].ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>One small heatmap per feature (its weights across the map, in the feature's units),
    /// laid out in a grid of ⌈√n⌉ columns. Titles are the full feature names, wrapped onto up to three
    /// lines in a font sized to the panel. Panels at least 160 pixels wide carry their own colour bar;
    /// narrower ones (many features) write their range under the map instead, and one shared bar at the
    /// bottom shows the colour scale from each plane's minimum to its maximum.</summary>
    public static byte[] ComponentPlanes(SomModel model, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ComponentPlanes(model, [.. Enumerable.Range(0, model.Dimension)], options);
    }

    /// <summary>The component planes of the chosen features only, in the order given (as
    /// <see cref="ComponentPlanes(SomModel, PictureOptions?)"/>).</summary>
    /// <param name="model">The map.</param>
    /// <param name="features">Feature positions, each 0..Dimension−1, at least one.</param>
    /// <param name="options">Size and title.</param>
    /// <exception cref="ArgumentException">No feature, or one outside the map's features.</exception>
    public static byte[] ComponentPlanes(SomModel model, IReadOnlyList<int> features, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        if (features.Count == 0 || features.Any(f => f < 0 || f >= model.Dimension))
        {
            throw new ArgumentException($"Choose features among 0..{model.Dimension - 1}; got {(features.Count == 0 ? "none" : string.Join(", ", features))}.");
        }

        options ??= PictureOptions.Default;
        var count = features.Count;
        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        var rows = (count + columns - 1) / columns;
        var width = options.Width;
        var titleBand = TitleSize + (2 * Margin);
        var panelWidth = (width - Margin) / (float)columns;
        var ownBars = panelWidth >= 160;
        var nameSize = Math.Clamp(panelWidth / 9, 7, LabelSize);
        var titles = features.Select(f => Wrap(model.FeatureNames[f], panelWidth - Margin, nameSize, 3)).ToList();
        var titleLines = titles.Max(t => t.Count);
        var panelTitle = (titleLines * nameSize * 1.2f) + 4;
        // Each plane's range under it: "min – max" on one line, or on two when that does not fit.
        List<List<string>> ranges = ownBars ? [] : features.Select(f => RangeLines(model.ComponentPlane(f), panelWidth - Margin, nameSize)).ToList();
        var rangeBand = ownBars ? 0 : (ranges.Max(r => r.Count) * nameSize * 1.2f) + 4;
        var barSpace = ownBars ? BarSpace(LabelSize - 2) : 0;
        var probe = new MapGeometry(model.Grid, SKRect.Create(0, 0, Math.Max(10, panelWidth - Margin - barSpace), 10_000), centred: false);
        var panelHeight = panelTitle + probe.Bounds.Height + rangeBand + Margin;
        var sharedBar = ownBars ? 0 : LabelSize * 3.5f;
        var height = (int)Math.Ceiling(titleBand + (rows * panelHeight) + sharedBar + Margin);
        var (bitmap, canvas) = Chart.NewCanvas(width, height);
        using (bitmap)
        using (canvas)
        {
            Chart.Title(canvas, options.Title ?? "Component planes", width, TitleSize, Margin);
            for (var i = 0; i < count; i++)
            {
                var left = Margin + ((i % columns) * panelWidth);
                var top = titleBand + ((i / columns) * panelHeight);
                for (var l = 0; l < titles[i].Count; l++)
                {
                    Chart.Text(canvas, titles[i][l], left, top + ((l + 1) * nameSize * 1.2f) - 2, nameSize, bold: true);
                }

                var plane = model.ComponentPlane(features[i]);
                var area = SKRect.Create(left, top + panelTitle, panelWidth - Margin, probe.Bounds.Height);
                if (ownBars)
                {
                    DrawHeatmap(canvas, model.Grid, (x, y) => plane[x, y], area, LabelSize - 2, labels: null);
                }
                else
                {
                    var geometry = new MapGeometry(model.Grid, area, centred: false);
                    var (min, max) = (plane.Min(), plane.Max());
                    geometry.FillCells(canvas, node =>
                    {
                        var (x, y) = model.Grid.CoordinatesOf(node);
                        return ColorMaps.ViridisAt(max > min ? (plane[x, y] - min) / (max - min) : 0.5);
                    });
                    for (var l = 0; l < ranges[i].Count; l++)
                    {
                        Chart.Text(canvas, ranges[i][l], left, geometry.Bounds.Bottom + (nameSize * (1.15f + (1.2f * l))), nameSize);
                    }
                }
            }

            if (!ownBars)
            {
                var barTop = titleBand + (rows * panelHeight) + 4;
                var bar = SKRect.Create(Margin, barTop, Math.Min(240, width - (2 * Margin)), 10);
                using var paint = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
                for (var px = 0; px < (int)bar.Width; px++)
                {
                    paint.Color = ColorMaps.ViridisAt(px / (bar.Width - 1));
                    canvas.DrawRect(SKRect.Create(bar.Left + px, bar.Top, 1, bar.Height), paint);
                }

                Chart.Text(canvas, "each plane from its minimum (left) to its maximum (right), written under it", Margin, bar.Bottom + LabelSize + 2, LabelSize - 2);
            }

            return Chart.Png(bitmap);
        }
    }

    /// <summary>A plane's range as "min – max" in one line of the width, else "min –" and "max".</summary>
    internal static List<string> RangeLines(GridValues<float> plane, float width, float size)
    {
        var (min, max) = (plane.Min(), plane.Max());
        var one = $"{Short(min)} – {Short(max)}";
        return Chart.TextWidth(one, size) <= width ? [one] : [$"{Short(min)} –", Short(max)];
    }

    /// <summary>Three significant digits, without an exponent from 0.001 up to a million (1540, not
    /// 1.54E+03); magnitudes below 0.001 written as 0.</summary>
    internal static string Short(double value)
    {
        var magnitude = Math.Abs(value);
        if (magnitude < 1e-3)
        {
            return "0";
        }

        if (magnitude is >= 1e3 and < 1e6)
        {
            var unit = Math.Pow(10, Math.Floor(Math.Log10(magnitude)) - 2);
            return (Math.Round(value / unit) * unit).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        }

        return value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The text in at most <paramref name="maxLines"/> lines of the width, broken after
    /// spaces, underscores, hyphens and dots where it can and anywhere where it must; the last line
    /// shortened with an ellipsis if the text still does not fit.</summary>
    private static List<string> Wrap(string text, float width, float size, int maxLines)
    {
        var lines = new List<string>();
        var rest = text;
        while (rest.Length > 0 && lines.Count < maxLines)
        {
            if (Chart.TextWidth(rest, size, bold: true) <= width || lines.Count == maxLines - 1)
            {
                lines.Add(Chart.TextWidth(rest, size, bold: true) <= width ? rest : Fit(rest, width, size));
                return lines;
            }

            var fits = 1;
            while (fits < rest.Length && Chart.TextWidth(rest[..(fits + 1)], size, bold: true) <= width)
            {
                fits++;
            }

            var breakAt = rest[..fits].LastIndexOfAny([' ', '_', '-', '.']);
            var cut = breakAt > 0 ? breakAt + 1 : fits;
            lines.Add(rest[..cut].TrimEnd());
            rest = rest[cut..];
        }

        return lines;
    }

    /// <summary>A titled heatmap of one value per node with a colour bar on the right.</summary>
    private static byte[] Heatmap(Grid grid, Func<int, int, double> value, string title, int width, Func<int, int, string>? labels)
    {
        var titleBand = TitleSize + (2 * Margin);
        var area = SKRect.Create(Margin, titleBand, width - (2 * Margin) - BarSpace(LabelSize), width);
        var geometry = new MapGeometry(grid, area, centred: false);
        var height = (int)Math.Ceiling(titleBand + geometry.Bounds.Height + Margin);
        var (bitmap, canvas) = Chart.NewCanvas(width, height);
        using (bitmap)
        using (canvas)
        {
            Chart.Title(canvas, title, width, TitleSize, Margin);
            DrawHeatmap(canvas, grid, value, SKRect.Create(Margin, titleBand, width - (2 * Margin), geometry.Bounds.Height), LabelSize, labels);
            return Chart.Png(bitmap);
        }
    }

    /// <summary>Cells coloured by value (viridis from the minimum to the maximum) inside
    /// <paramref name="area"/>, with the colour bar in the area's right part.</summary>
    private static void DrawHeatmap(SKCanvas canvas, Grid grid, Func<int, int, double> value, SKRect area, float fontSize, Func<int, int, string>? labels)
    {
        var mapArea = SKRect.Create(area.Left, area.Top, area.Width - BarSpace(fontSize), area.Height);
        var geometry = new MapGeometry(grid, mapArea, centred: false);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var node = 0; node < grid.NodeCount; node++)
        {
            var (x, y) = grid.CoordinatesOf(node);
            var v = value(x, y);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        geometry.FillCells(canvas, node =>
        {
            var (x, y) = grid.CoordinatesOf(node);
            return ColorMaps.ViridisAt(max > min ? (value(x, y) - min) / (max - min) : 0.5);
        });

        if (labels is not null && geometry.Unit >= 22)
        {
            for (var node = 0; node < grid.NodeCount; node++)
            {
                var (x, y) = grid.CoordinatesOf(node);
                var t = max > min ? (value(x, y) - min) / (max - min) : 0.5;
                var centre = geometry.Centre(node);
                var size = Math.Min(fontSize, geometry.Unit * 0.45f);
                Chart.Text(canvas, labels(x, y), centre.X, centre.Y + (size * 0.35f), size, align: SKTextAlign.Center,
                    color: t > 0.6 ? Chart.Ink : SKColors.White);
            }
        }

        var bar = SKRect.Create(geometry.Bounds.Right + 12, geometry.Bounds.Top, 14, geometry.Bounds.Height);
        Chart.ColorBar(canvas, bar, min, max, fontSize);
    }

    /// <summary>The width a colour bar with its tick labels takes beside a map.</summary>
    private static float BarSpace(float fontSize) => Chart.TextWidth("-0.0000", fontSize) + 28;

    /// <summary>The text, shortened with an ellipsis to fit the width.</summary>
    private static string Fit(string text, float width, float size)
    {
        if (Chart.TextWidth(text, size, bold: true) <= width)
        {
            return text;
        }

        while (text.Length > 1 && Chart.TextWidth(text + "…", size, bold: true) > width)
        {
            text = text[..^1];
        }

        return text + "…";
    }
}
