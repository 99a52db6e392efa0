namespace Kohonen.Cli;

/// <summary>What <c>kohonen info --json</c> prints.</summary>
internal sealed record ModelInfo(
    string Model,
    int FormatVersion,
    long FileBytes,
    int Width,
    int Height,
    int Dim,
    string Topology,
    bool Toroidal,
    IReadOnlyList<string> FeatureNames,
    string Scaler,
    IReadOnlyDictionary<string, string>? Options)
{
    /// <summary>The classes of the node labels the model keeps (for predict's <c>label</c>), or null.</summary>
    public IReadOnlyList<string>? LabelClasses { get; init; }

    /// <summary>The name of the target the model keeps (for predict's <c>target</c>), or null.</summary>
    public string? Target { get; init; }

    /// <summary>How many segments the model keeps, or null.</summary>
    public int? Segments { get; init; }

    /// <summary>How the segments were made (<c>kmeans</c>, <c>ward</c>), or null.</summary>
    public string? SegmentMethod { get; init; }

    /// <summary>How many training rows the hits the model keeps count, or null when it keeps none.</summary>
    public long? HitsRows { get; init; }
}
