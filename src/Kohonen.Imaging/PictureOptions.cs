namespace Kohonen.Imaging;

/// <summary>How big a picture is and what its title says.</summary>
public sealed record PictureOptions
{
    /// <summary>The smallest width.</summary>
    public const int MinWidth = 120;

    /// <summary>The largest width.</summary>
    public const int MaxWidth = 8000;

    private readonly int _width = 640;

    /// <summary>Width in pixels, 120..8000 (default 640). The height follows from the map's shape.</summary>
    public int Width
    {
        get => _width;
        init => _width = value is >= MinWidth and <= MaxWidth
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Width), value, $"Width must be in {MinWidth}..{MaxWidth} pixels; got {value}.");
    }

    /// <summary>A title instead of the picture's own; null keeps the default.</summary>
    public string? Title { get; init; }

    /// <summary>The defaults: 640 pixels wide, the picture's own title.</summary>
    public static PictureOptions Default { get; } = new();
}
