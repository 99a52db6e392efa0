using SkiaSharp;

namespace Kohonen.Imaging;

/// <summary>Colours for values (viridis: perceptually uniform, readable in grey and by most colour
/// blind readers) and for categories (matplotlib's tab20 order).</summary>
internal static class ColorMaps
{
    /// <summary>Viridis at 0, 0.1, ..., 1 (matplotlib); colours between are interpolated.</summary>
    private static readonly SKColor[] Viridis =
    [
        new(0x44, 0x01, 0x54), new(0x48, 0x24, 0x75), new(0x41, 0x44, 0x87), new(0x35, 0x5f, 0x8d),
        new(0x2a, 0x78, 0x8e), new(0x21, 0x91, 0x8c), new(0x22, 0xa8, 0x84), new(0x44, 0xbf, 0x70),
        new(0x7a, 0xd1, 0x51), new(0xbd, 0xdf, 0x26), new(0xfd, 0xe7, 0x25),
    ];

    private static readonly SKColor[] Categories =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f), new(0xbc, 0xbd, 0x22), new(0x17, 0xbe, 0xcf),
        new(0xae, 0xc7, 0xe8), new(0xff, 0xbb, 0x78), new(0x98, 0xdf, 0x8a), new(0xff, 0x98, 0x96), new(0xc5, 0xb0, 0xd5),
        new(0xc4, 0x9c, 0x94), new(0xf7, 0xb6, 0xd2), new(0xc7, 0xc7, 0xc7), new(0xdb, 0xdb, 0x8d), new(0x9e, 0xda, 0xe5),
    ];

    /// <summary>How many categories get colours of their own.</summary>
    public static int CategoryCount => Categories.Length;

    /// <summary>The viridis colour of t in [0, 1] (clamped; NaN is the low end).</summary>
    public static SKColor ViridisAt(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        var position = t * (Viridis.Length - 1);
        var i = Math.Min((int)position, Viridis.Length - 2);
        var f = position - i;
        SKColor a = Viridis[i], b = Viridis[i + 1];
        return new SKColor(Mix(a.Red, b.Red, f), Mix(a.Green, b.Green, f), Mix(a.Blue, b.Blue, f));
    }

    /// <summary>The colour of category i (cycling after <see cref="CategoryCount"/>).</summary>
    public static SKColor Category(int i) => Categories[i % Categories.Length];

    private static byte Mix(byte a, byte b, double f) => (byte)Math.Round(a + ((b - a) * f));
}
