namespace Kohonen;

// FeatureScaler: a scaler with feature weights folded in (FeatureEncoder.Weigh), which may exist
// without a scaling (kind None: offset 0, factor √weight).
public sealed partial class FeatureScaler
{
    private FeatureScaler(Scaling kind, float[] offset, float[] factor)
    {
        for (var i = 0; i < factor.Length; i++)
        {
            if (!float.IsFinite(factor[i]) || factor[i] == 0 || !float.IsFinite(offset[i]))
            {
                throw new ArgumentException($"Feature {i} has offset {offset[i]} and factor {factor[i]}; both must be finite and the factor non-zero.", nameof(factor));
            }
        }

        Kind = kind;
        _offset = offset;
        _factor = factor;
    }

    /// <summary>A scaler whose factors carry feature weights; <paramref name="kind"/> may be
    /// <see cref="Scaling.None"/> (the weights alone). Takes ownership of the arrays.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are 0, or a value is not finite or a
    /// factor is 0.</exception>
    internal static FeatureScaler Weighted(Scaling kind, float[] offset, float[] factor)
    {
        if (offset.Length != factor.Length || offset.Length == 0)
        {
            throw new ArgumentException($"Offset and factor need the same non-zero length; got {offset.Length} and {factor.Length}.", nameof(factor));
        }

        return new FeatureScaler(kind, offset, factor);
    }
}
