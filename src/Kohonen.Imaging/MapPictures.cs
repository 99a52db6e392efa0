using SkiaSharp;

namespace Kohonen.Imaging;

/// <summary>
/// PNG pictures of trained maps: the RGB map, the colour demo picture, the U-matrix, the hit map,
/// component planes, the label map and the training curve. Each returns the PNG's bytes; the same
/// input gives the same bytes. Rectangular grids draw square cells, hexagonal grids hexagons centred
/// where <see cref="Grid.PositionOf"/> puts the nodes, row 0 at the top. All text uses the embedded
/// DejaVu fonts, so titles and legends appear on machines with no fonts installed.
/// </summary>
public static partial class MapPictures
{
    private const float TitleSize = 18;
    private const float LabelSize = 12;
    private const float Margin = 12;

    /// <summary>Writes PNG bytes to a file atomically (a temporary file renamed into place).</summary>
    public static void Save(byte[] png, string path) => AtomicFile.WriteAllBytes(path, png);

    /// <summary>
    /// The codebook as colours: three features as red, green and blue, in the features' own units.
    /// When all three lie within [0, 1] (colours) a value v becomes round(255·v); otherwise each feature
    /// is stretched over 0–255 from its minimum to its maximum on the map.
    /// </summary>
    /// <param name="model">The map.</param>
    /// <param name="options">Size and title.</param>
    /// <param name="features">Three feature indices; may be omitted when the map has exactly three.</param>
    public static byte[] RgbMap(SomModel model, PictureOptions? options = null, IReadOnlyList<int>? features = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= PictureOptions.Default;
        var colors = NodeColors(model, features, out var names);
        var title = options.Title ?? $"RGB map ({string.Join(", ", names)})";
        var width = options.Width;
        var titleBand = TitleSize + (2 * Margin);
        var mapArea = SKRect.Create(Margin, titleBand, width - (2 * Margin), width - (2 * Margin));
        var geometry = new MapGeometry(model.Grid, mapArea, centred: false);
        var height = (int)Math.Ceiling(geometry.Bounds.Bottom + Margin);
        var (bitmap, canvas) = Chart.NewCanvas(width, height);
        using (bitmap)
        using (canvas)
        {
            Chart.Title(canvas, title, width, TitleSize, Margin);
            geometry.FillCells(canvas, node => colors[node]);
            return Chart.Png(bitmap);
        }
    }

    /// <summary>
    /// The colour demo's picture, as the original drew it: the input colours as a 400×20 strip on top
    /// (one band per colour, left to right) and the map below in 400×400, one 400×420 PNG with no text.
    /// Colours are red, green, blue in [0, 1].
    /// </summary>
    public static byte[] ColorDemo(SomModel model, DataMatrix colors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(colors);
        if (model.Dimension != 3 || colors.Columns != 3)
        {
            throw new ArgumentException($"The colour demo picture needs 3 features (red, green, blue); the map has {model.Dimension} and the colours {colors.Columns}.");
        }

        const int Size = 400, Strip = 20;
        var (bitmap, canvas) = Chart.NewCanvas(Size, Size + Strip);
        using (bitmap)
        using (canvas)
        {
            using var paint = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
            for (var i = 0; i < colors.Rows; i++)
            {
                var left = MathF.Round(i * Size / (float)colors.Rows);
                var right = MathF.Round((i + 1) * Size / (float)colors.Rows);
                var row = colors.Row(i);
                paint.Color = new SKColor(UnitByte(row[0]), UnitByte(row[1]), UnitByte(row[2]));
                canvas.DrawRect(SKRect.Create(left, 0, right - left, Strip), paint);
            }

            var nodeColors = NodeColors(model, null, out _);
            new MapGeometry(model.Grid, SKRect.Create(0, Strip, Size, Size)).FillCells(canvas, node => nodeColors[node]);
            return Chart.Png(bitmap);
        }
    }

    /// <summary>The colour of every node for <see cref="RgbMap"/>.</summary>
    internal static SKColor[] NodeColors(SomModel model, IReadOnlyList<int>? features, out string[] names)
    {
        features ??= model.Dimension == 3
            ? [0, 1, 2]
            : throw new ArgumentException($"The map has {model.Dimension} features; choose three of them (0..{model.Dimension - 1}) to show as red, green and blue.", nameof(features));
        if (features.Count != 3)
        {
            throw new ArgumentException($"Choose exactly three features for red, green and blue; got {features.Count}.", nameof(features));
        }

        var planes = features.Select(model.ComponentPlane).ToArray();
        names = [.. features.Select(f => model.FeatureNames[f])];
        var inUnitRange = planes.All(p => p.All(v => v is >= 0 and <= 1));
        var ranges = planes.Select(p => (Min: p.Min(), Max: p.Max())).ToArray();
        var result = new SKColor[model.Grid.NodeCount];
        for (var node = 0; node < result.Length; node++)
        {
            var (x, y) = model.Grid.CoordinatesOf(node);
            var channel = new byte[3];
            for (var c = 0; c < 3; c++)
            {
                var v = planes[c][x, y];
                channel[c] = inUnitRange
                    ? UnitByte(v)
                    : ranges[c].Max > ranges[c].Min ? UnitByte((v - ranges[c].Min) / (ranges[c].Max - ranges[c].Min)) : (byte)128;
            }

            result[node] = new SKColor(channel[0], channel[1], channel[2]);
        }

        return result;
    }

    /// <summary>round(255·v) with v clamped to [0, 1].</summary>
    internal static byte UnitByte(float v) => (byte)Math.Round(255 * Math.Clamp(v, 0f, 1f));
}
