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
    IReadOnlyDictionary<string, string>? Options);
