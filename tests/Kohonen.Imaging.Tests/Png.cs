using SkiaSharp;

namespace Kohonen.Imaging.Tests;

/// <summary>Decoded pictures and the pixel questions the tests ask of them.</summary>
internal static class Png
{
    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidOperationException("not a decodable PNG");

    /// <summary>The bounding box of the pixels whose colour is one of <paramref name="colors"/>.</summary>
    public static SKRectI BoundsOf(SKBitmap bitmap, IReadOnlySet<SKColor> colors)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                if (colors.Contains(bitmap.GetPixel(x, y)))
                {
                    left = Math.Min(left, x);
                    top = Math.Min(top, y);
                    right = Math.Max(right, x);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        return new SKRectI(left, top, right + 1, bottom + 1);
    }

    /// <summary>How many pixels in the rectangle are dark (text drawn in near-black).</summary>
    public static int DarkPixels(SKBitmap bitmap, SKRectI area)
    {
        var count = 0;
        for (var y = Math.Max(0, area.Top); y < Math.Min(bitmap.Height, area.Bottom); y++)
        {
            for (var x = Math.Max(0, area.Left); x < Math.Min(bitmap.Width, area.Right); x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 3 * 110)
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>
    /// The rectangle of the first block of non-white pixels below the title band (y ≥ 40): down the
    /// column x = 20 to find its top and bottom, then along its middle row from the left edge to find
    /// its left and right ends. Cells of a rectangular map touch, so the block is the map.
    /// </summary>
    public static SKRectI FirstRun(SKBitmap bitmap)
    {
        static bool White(SKColor c) => c.Red == 255 && c.Green == 255 && c.Blue == 255;
        var top = 40;
        while (top < bitmap.Height && White(bitmap.GetPixel(20, top)))
        {
            top++;
        }

        var bottom = top;
        while (bottom < bitmap.Height && !White(bitmap.GetPixel(20, bottom)))
        {
            bottom++;
        }

        var mid = (top + bottom) / 2;
        var left = 0;
        while (left < bitmap.Width && White(bitmap.GetPixel(left, mid)))
        {
            left++;
        }

        var right = left;
        while (right < bitmap.Width && !White(bitmap.GetPixel(right, mid)))
        {
            right++;
        }

        return new SKRectI(left, top, right, bottom);
    }
}
