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
    /// titled with the feature's name, each with its own colour bar, laid out in a grid.</summary>
    public static byte[] ComponentPlanes(SomModel model, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= PictureOptions.Default;
        var dim = model.Dimension;
        var columns = (int)Math.Ceiling(Math.Sqrt(dim));
        var rows = (dim + columns - 1) / columns;
        var width = options.Width;
        var titleBand = TitleSize + (2 * Margin);
        var panelWidth = (width - Margin) / (float)columns;
        const float PanelTitle = LabelSize + 10;
        var barSpace = BarSpace(LabelSize - 2);
        var probe = new MapGeometry(model.Grid, SKRect.Create(0, 0, Math.Max(10, panelWidth - Margin - barSpace), 10_000), centred: false);
        var panelHeight = PanelTitle + probe.Bounds.Height + Margin;
        var height = (int)Math.Ceiling(titleBand + (rows * panelHeight) + Margin);
        var (bitmap, canvas) = Chart.NewCanvas(width, height);
        using (bitmap)
        using (canvas)
        {
            Chart.Title(canvas, options.Title ?? "Component planes", width, TitleSize, Margin);
            for (var f = 0; f < dim; f++)
            {
                var left = Margin + ((f % columns) * panelWidth);
                var top = titleBand + ((f / columns) * panelHeight);
                Chart.Text(canvas, Fit(model.FeatureNames[f], panelWidth - Margin, LabelSize), left, top + LabelSize, LabelSize, bold: true);
                var plane = model.ComponentPlane(f);
                var area = SKRect.Create(left, top + PanelTitle, panelWidth - Margin, probe.Bounds.Height);
                DrawHeatmap(canvas, model.Grid, (x, y) => plane[x, y], area, LabelSize - 2, labels: null);
            }

            return Chart.Png(bitmap);
        }
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
