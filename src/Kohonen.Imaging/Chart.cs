using System.Globalization;
using SkiaSharp;

namespace Kohonen.Imaging;

/// <summary>Drawing pieces shared by the pictures: a white canvas, titles, colour bars, legends,
/// axis numbers and deterministic PNG encoding.</summary>
internal static class Chart
{
    public static readonly SKColor Ink = new(0x20, 0x20, 0x20);
    public static readonly SKColor Empty = new(0xe4, 0xe4, 0xe4);

    public static (SKBitmap Bitmap, SKCanvas Canvas) NewCanvas(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        return (bitmap, canvas);
    }

    /// <summary>PNG bytes of the bitmap; the same pixels give the same bytes.</summary>
    public static byte[] Png(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static void Text(SKCanvas canvas, string text, float x, float y, float size, bool bold = false, SKTextAlign align = SKTextAlign.Left, SKColor? color = null)
    {
        using var font = PictureFonts.Font(size, bold);
        using var paint = new SKPaint { Color = color ?? Ink, IsAntialias = true };
        canvas.DrawText(text, x, y, align, font, paint);
    }

    /// <summary>A bold title centred at the top, its size reduced (down to half) until it fits the
    /// width less the margins, and shortened with an ellipsis if even that is too wide.</summary>
    public static void Title(SKCanvas canvas, string text, float width, float size, float margin)
    {
        var available = width - (2 * margin);
        var fitted = size;
        while (fitted > size / 2 && TextWidth(text, fitted, bold: true) > available)
        {
            fitted -= 0.5f;
        }

        while (text.Length > 1 && TextWidth(text, fitted, bold: true) > available)
        {
            text = text[..^2] + "…";
        }

        Text(canvas, text, width / 2f, margin + size, fitted, bold: true, SKTextAlign.Center);
    }

    public static float TextWidth(string text, float size, bool bold = false)
    {
        using var font = PictureFonts.Font(size, bold);
        return font.MeasureText(text);
    }

    /// <summary>A vertical viridis bar from <paramref name="min"/> (bottom) to <paramref name="max"/>
    /// (top), framed, with round-number ticks and labels on its right.</summary>
    public static void ColorBar(SKCanvas canvas, SKRect bar, double min, double max, float fontSize)
    {
        using var paint = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        var rows = (int)Math.Ceiling(bar.Height);
        for (var i = 0; i < rows; i++)
        {
            paint.Color = ColorMaps.ViridisAt(1.0 - ((i + 0.5) / rows));
            canvas.DrawRect(SKRect.Create(bar.Left, bar.Top + i, bar.Width, 1), paint);
        }

        using var frame = new SKPaint { Color = Ink, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false };
        canvas.DrawRect(bar, frame);
        var ticks = max > min ? NiceTicks(min, max, 5) : [min];
        foreach (var tick in ticks)
        {
            var t = max > min ? (tick - min) / (max - min) : 0.5;
            var y = bar.Bottom - (float)(t * bar.Height);
            canvas.DrawLine(bar.Right, y, bar.Right + 4, y, frame);
            Text(canvas, Number(tick), bar.Right + 6, y + (fontSize * 0.35f), fontSize);
        }
    }

    /// <summary>Coloured squares with labels, one per line.</summary>
    public static void Legend(SKCanvas canvas, float x, float y, IReadOnlyList<(string Label, SKColor Color)> entries, float fontSize)
    {
        using var paint = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = false };
        using var frame = new SKPaint { Color = Ink, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false };
        var line = fontSize * 1.6f;
        for (var i = 0; i < entries.Count; i++)
        {
            var top = y + (i * line);
            var square = SKRect.Create(x, top, fontSize, fontSize);
            paint.Color = entries[i].Color;
            canvas.DrawRect(square, paint);
            canvas.DrawRect(square, frame);
            Text(canvas, entries[i].Label, x + fontSize + 6, top + (fontSize * 0.85f), fontSize);
        }
    }

    /// <summary>
    /// Round numbers (1, 2 or 5 times a power of ten apart) inside [min, max]: the smallest such step
    /// that gives at most <paramref name="count"/> + 1 ticks, so a range gets between about half and
    /// one more than the count asked for.
    /// </summary>
    public static double[] NiceTicks(double min, double max, int count)
    {
        var span = max - min;
        if (!(span > 0) || !double.IsFinite(span))
        {
            return [min];
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(span / Math.Max(1, count))));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0, 20.0, 50.0 }.Select(m => m * magnitude))
        {
            var first = Math.Ceiling((min - (step * 1e-9)) / step) * step;
            var ticks = new List<double>();
            for (var v = first; v <= max + (step * 1e-9); v += step)
            {
                ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
            }

            if (ticks.Count <= count + 1)
            {
                return [.. ticks];
            }
        }

        return [min, max];
    }

    /// <summary>A short, invariant number: 4 significant digits.</summary>
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
