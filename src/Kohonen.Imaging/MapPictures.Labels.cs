using SkiaSharp;

namespace Kohonen.Imaging;

public static partial class MapPictures
{
    /// <summary>
    /// Each node coloured by the majority label of the rows it wins (<see cref="SomModel.LabelMap"/>),
    /// nodes that win no row in light grey, with a legend. Labels are coloured in order of how many rows
    /// carry them; past 20 labels the colours repeat.
    /// </summary>
    public static byte[] LabelMap(SomModel model, DataMatrix data, IReadOnlyList<string> labels, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= PictureOptions.Default;
        var map = model.LabelMap(data, labels);
        var order = labels.GroupBy(l => l, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var colorOf = order.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => ColorMaps.Category(p.i), StringComparer.Ordinal);

        var width = options.Width;
        var titleBand = TitleSize + (2 * Margin);
        var legendWidth = Math.Min(width * 0.4f, order.Max(l => Chart.TextWidth(l, LabelSize)) + LabelSize + 24);
        var area = SKRect.Create(Margin, titleBand, width - (2 * Margin) - legendWidth, width);
        var geometry = new MapGeometry(model.Grid, area, centred: false);
        var legendHeight = ((order.Count + 1) * LabelSize * 1.6f) + Margin;
        var height = (int)Math.Ceiling(titleBand + Math.Max(geometry.Bounds.Height, legendHeight) + Margin);
        var (bitmap, canvas) = Chart.NewCanvas(width, height);
        using (bitmap)
        using (canvas)
        {
            Chart.Title(canvas, options.Title ?? "Labels (majority per node)", width, TitleSize, Margin);
            geometry.FillCells(canvas, node =>
            {
                var (x, y) = model.Grid.CoordinatesOf(node);
                return map[x, y] is { } label ? colorOf[label] : Chart.Empty;
            });
            var entries = order.Select(l => (Fit(l, legendWidth - LabelSize - 12, LabelSize), colorOf[l])).ToList();
            entries.Add(("no samples", Chart.Empty));
            Chart.Legend(canvas, geometry.Bounds.Right + 16, titleBand, entries, LabelSize);
            return Chart.Png(bitmap);
        }
    }
}
