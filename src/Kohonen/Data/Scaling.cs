
namespace Kohonen;

/// <summary>How features are rescaled before training (and, with the same numbers, before every
/// prediction).</summary>
public enum Scaling
{
    /// <summary>Values are used as they are. The default.</summary>
    None,

    /// <summary>x' = (x − min) / (max − min) per feature, from the training data; a constant feature
    /// becomes x − min (0).</summary>
    MinMax,

    /// <summary>x' = (x − mean) / std per feature (population standard deviation), from the training
    /// data; a constant feature becomes x − mean (0). Named <c>zscore</c>.</summary>
    [OptionName("zscore")]
    ZScore,
}
