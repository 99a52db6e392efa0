namespace Kohonen;

/// <summary>The colour demo's sizes when none are given: <see cref="Colors"/> random colours
/// (<see cref="SampleData.RandomColors"/>) on a <see cref="Width"/> × <see cref="Height"/> map for
/// <see cref="Iterations"/> online passes, the classic demo of the Python originals. The command line's
/// <c>kohonen demo colors</c>, the service's <c>GET /kohonen</c> and the colour demo the service trains
/// into an empty store all read them from here.</summary>
public static class ColorDemoDefaults
{
    /// <summary>How many random colours the demo trains on: 20.</summary>
    public const int Colors = 20;

    /// <summary>The map's columns: 100.</summary>
    public const int Width = 100;

    /// <summary>The map's rows: 100.</summary>
    public const int Height = 100;

    /// <summary>The passes over the colours: 1,000.</summary>
    public const int Iterations = 1000;
}
