using SkiaSharp;

namespace Kohonen.Imaging;

public static partial class MapPictures
{
    private static readonly SKColor QuantizationColor = ColorMaps.Category(0);
    private static readonly SKColor TopographicColor = ColorMaps.Category(1);

    /// <summary>
    /// The quantization error (left axis) and the topographic error (right axis, where known) against
    /// the iteration or epoch, from a model's <see cref="SomModel.History"/> or a training's
    /// progress.
    /// </summary>
    /// <exception cref="ArgumentException">The history is empty (train with
    /// <see cref="SomOptions.MetricsEvery"/> above 0).</exception>
    public static byte[] TrainingCurve(IReadOnlyList<TrainingStep> history, PictureOptions? options = null, string xLabel = "iteration")
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            throw new ArgumentException("There is no training history to draw; train with MetricsEvery above 0 (kohonen train records it).", nameof(history));
        }

        options ??= PictureOptions.Default;
        var width = options.Width;
        var height = (int)Math.Round(width * 0.6);
        var titleBand = TitleSize + (2 * Margin);
        var yLabelWidth = Chart.TextWidth("0.00000", LabelSize) + 18;
        var plot = SKRect.Create(Margin + yLabelWidth, titleBand + LabelSize + 8, width - (2 * Margin) - (2 * yLabelWidth), height - titleBand - (3 * LabelSize) - 30);
        var hasTe = history.Any(h => double.IsFinite(h.TopographicError));
        double xMin = 0, xMax = Math.Max(1, history.Max(h => h.Iteration));
        var qeTicks = Chart.NiceTicks(0, Math.Max(history.Max(h => h.QuantizationError), 1e-12), 5);
        var qeMax = Math.Max(qeTicks[^1], history.Max(h => h.QuantizationError));
        var teMax = hasTe ? Math.Max(0.05, history.Where(h => double.IsFinite(h.TopographicError)).Max(h => h.TopographicError)) : 1;
        var teTicks = Chart.NiceTicks(0, teMax, 5);
        teMax = Math.Max(teTicks[^1], teMax);

        var (bitmap, canvas) = Chart.NewCanvas(width, height);
        using (bitmap)
        using (canvas)
        {
            Chart.Title(canvas, options.Title ?? "Training curve", width, TitleSize, Margin);
            using var axis = new SKPaint { Color = Chart.Ink, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false };
            using var grid = new SKPaint { Color = new SKColor(0xe8, 0xe8, 0xe8), Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false };
            float X(double v) => plot.Left + (float)((v - xMin) / (xMax - xMin) * plot.Width);
            float YQe(double v) => plot.Bottom - (float)(v / qeMax * plot.Height);
            float YTe(double v) => plot.Bottom - (float)(v / teMax * plot.Height);

            foreach (var tick in qeTicks)
            {
                canvas.DrawLine(plot.Left, YQe(tick), plot.Right, YQe(tick), grid);
                Chart.Text(canvas, Chart.Number(tick), plot.Left - 6, YQe(tick) + (LabelSize * 0.35f), LabelSize, align: SKTextAlign.Right, color: QuantizationColor);
            }

            if (hasTe)
            {
                foreach (var tick in teTicks)
                {
                    Chart.Text(canvas, Chart.Number(tick), plot.Right + 6, YTe(tick) + (LabelSize * 0.35f), LabelSize, color: TopographicColor);
                }
            }

            foreach (var tick in Chart.NiceTicks(xMin, xMax, 6))
            {
                canvas.DrawLine(X(tick), plot.Bottom, X(tick), plot.Bottom + 4, axis);
                Chart.Text(canvas, Chart.Number(tick), X(tick), plot.Bottom + LabelSize + 6, LabelSize, align: SKTextAlign.Center);
            }

            canvas.DrawRect(plot, axis);
            Chart.Text(canvas, xLabel, plot.MidX, plot.Bottom + (2 * LabelSize) + 12, LabelSize, align: SKTextAlign.Center);
            Line(canvas, history.Select(h => new SKPoint(X(h.Iteration), YQe(h.QuantizationError))), QuantizationColor);
            if (hasTe)
            {
                Line(canvas, history.Where(h => double.IsFinite(h.TopographicError)).Select(h => new SKPoint(X(h.Iteration), YTe(h.TopographicError))), TopographicColor);
            }

            List<(string, SKColor)> legend = [("quantization error (left)", QuantizationColor)];
            if (hasTe)
            {
                legend.Add(("topographic error (right)", TopographicColor));
            }

            Chart.Legend(canvas, plot.Right - Chart.TextWidth("topographic error (right)", LabelSize) - LabelSize - 16, plot.Top + 8, legend, LabelSize);
            return Chart.Png(bitmap);
        }
    }

    private static void Line(SKCanvas canvas, IEnumerable<SKPoint> points, SKColor color)
    {
        using var paint = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true, StrokeJoin = SKStrokeJoin.Round };
        using var path = new SKPath();
        var first = true;
        foreach (var p in points)
        {
            if (first)
            {
                path.MoveTo(p);
                first = false;
            }
            else
            {
                path.LineTo(p);
            }

            canvas.DrawCircle(p, 2.5f, paint);
        }

        canvas.DrawPath(path, paint);
    }
}
