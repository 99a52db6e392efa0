namespace Kohonen;

/// <summary>What a reader does with a missing value: an empty cell, or <c>NA</c>, <c>NaN</c> or
/// <c>null</c> in any case (a null in a Parquet column).</summary>
public enum MissingValuePolicy
{
    /// <summary>Read it as a float NaN (the default); a row with too many is skipped and counted.</summary>
    Allow,

    /// <summary>Refuse it with an error that names the line and column.</summary>
    Error,
}
