using SkiaSharp;

namespace Kohonen.Imaging;

/// <summary>
/// The typefaces every picture draws with: DejaVu Sans regular and bold, embedded in this assembly
/// and loaded once. No text depends on fonts installed on the machine (a slim server image has none,
/// and Skia would then draw nothing).
/// </summary>
internal static class PictureFonts
{
    private static readonly Lazy<SKTypeface> LazyRegular = new(() => Load("Kohonen.Imaging.Fonts.DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> LazyBold = new(() => Load("Kohonen.Imaging.Fonts.DejaVuSans-Bold.ttf"));

    public static SKTypeface Regular => LazyRegular.Value;

    public static SKTypeface Bold => LazyBold.Value;

    public static SKFont Font(float size, bool bold = false) => new(bold ? Bold : Regular, size)
    {
        Edging = SKFontEdging.Antialias,
        Subpixel = false,
        Hinting = SKFontHinting.Slight,
    };

    private static SKTypeface Load(string resource)
    {
        using var stream = typeof(PictureFonts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The font resource '{resource}' is missing from {typeof(PictureFonts).Assembly.GetName().Name}.");
        return SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"The font resource '{resource}' could not be read as a font.");
    }
}
