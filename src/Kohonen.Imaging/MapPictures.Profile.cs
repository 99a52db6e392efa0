using System.Globalization;
using SkiaSharp;

namespace Kohonen.Imaging;

public static partial class MapPictures
{
    /// <summary>
    /// A segment profile as a table of colours: one row per segment (labelled with its size), one
    /// column per feature (names written upwards above), each cell the segment's mean as a z-score
    /// against all rows, (mean − overall mean)/overall spread, clipped to ±2 and coloured with viridis
    /// (dark below average, yellow above); segments with no row are grey. The z-scores are written in
    /// the cells when they are wide enough.
    /// </summary>
    public static byte[] SegmentProfile(SegmentProfile profile, PictureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options ??= PictureOptions.Default;
        var width = options.Width;
        var titleBand = TitleSize + (2 * Margin);
        var rowNames = Enumerable.Range(0, profile.Count).Select(s => $"segment {s} ({profile.Sizes[s]} rows)").ToList();
        var left = Margin + rowNames.Max(n => Chart.TextWidth(n, LabelSize)) + 8;
        var features = profile.Features.Count;
        var cell = (width - left - Margin - BarSpace(LabelSize)) / features;
        var nameSize = Math.Clamp(cell * 0.8f, 6, LabelSize);
        var header = profile.Features.Max(f => Chart.TextWidth(f, nameSize)) + 6;
        var rowHeight = Math.Max(LabelSize * 1.6f, Math.Min(cell, 40));
        var top = titleBand + header;
        var height = (int)Math.Ceiling(top + (profile.Count * rowHeight) + Margin + 24);
        var (bitmap, canvas) = Chart.NewCanvas(width, height);
        using (bitmap)
        using (canvas)
        {
            Chart.Title(canvas, options.Title ?? "Segment profiles (mean per segment, z-score against all rows)", width, TitleSize, Margin);
            using var paint = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
            for (var f = 0; f < features; f++)
            {
                canvas.Save();
                var x = left + ((f + 0.5f) * cell) + (nameSize * 0.35f);
                canvas.Translate(x, top - 4);
                canvas.RotateDegrees(-90);
                Chart.Text(canvas, profile.Features[f], 0, 0, nameSize);
                canvas.Restore();
            }

            for (var s = 0; s < profile.Count; s++)
            {
                var y = top + (s * rowHeight);
                Chart.Text(canvas, rowNames[s], Margin, y + (rowHeight / 2) + (LabelSize * 0.35f), LabelSize);
                for (var f = 0; f < features; f++)
                {
                    var mean = profile.Mean(s, f);
                    var spread = profile.OverallSpread[f];
                    var z = double.IsNaN(mean) ? double.NaN : spread > 0 ? Math.Clamp((mean - profile.OverallMean[f]) / spread, -2, 2) : 0;
                    paint.Color = double.IsNaN(z) ? Chart.Empty : ColorMaps.ViridisAt((z + 2) / 4);
                    var rect = SKRect.Create(MathF.Round(left + (f * cell)), MathF.Round(y), MathF.Round(left + ((f + 1) * cell)) - MathF.Round(left + (f * cell)), MathF.Round(y + rowHeight) - MathF.Round(y));
                    canvas.DrawRect(rect, paint);
                    if (!double.IsNaN(z) && cell >= 34)
                    {
                        Chart.Text(canvas, (Math.Abs(z) < 0.05 ? 0 : z).ToString("0.0", CultureInfo.InvariantCulture), rect.MidX, rect.MidY + (LabelSize * 0.35f), LabelSize - 2,
                            align: SKTextAlign.Center, color: z > 0.4 ? Chart.Ink : SKColors.White);
                    }
                }
            }

            var bar = SKRect.Create(left + (features * cell) + 12, top, 14, profile.Count * rowHeight);
            Chart.ColorBar(canvas, bar, -2, 2, LabelSize - 2);
            return Chart.Png(bitmap);
        }
    }
}
