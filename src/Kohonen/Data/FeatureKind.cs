namespace Kohonen;

/// <summary>What kind of values an input column of a <see cref="FeatureEncoder"/> holds.</summary>
public enum FeatureKind
{
    /// <summary>Numbers, one feature of the map.</summary>
    Numeric,

    /// <summary>Text categories, one-hot encoded: one feature of the map per category, named
    /// <c>column = category</c>.</summary>
    Categorical,
}
