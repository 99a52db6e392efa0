namespace Kohonen;

/// <summary>A category a <see cref="FeatureEncoder"/> did not learn in training, met while encoding:
/// its one-hot features were set to NaN (missing).</summary>
/// <param name="Row">The 0-based row.</param>
/// <param name="Column">The categorical column.</param>
/// <param name="Value">The text that is not one of the column's categories.</param>
public readonly record struct UnseenCategory(int Row, string Column, string Value);
