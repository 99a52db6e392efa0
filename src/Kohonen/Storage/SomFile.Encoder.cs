namespace Kohonen;

// SomFile: format version 2, for a model with an encoder (categorical columns, feature weights). It
// adds the metadata key `encoder` (FeatureEncoder's JSON: each input column's name, kind, weight and
// categories) and, for a map trained without scaling, the scaler tensors that carry the weights
// (scaler = none, offset 0, factor √weight). A model without an encoder is written as version 1,
// byte for byte as before.
public static partial class SomFile
{
    /// <summary>The format version <see cref="ToBytes"/> writes for <paramref name="model"/>:
    /// <see cref="EncoderFormatVersion"/> when it has an encoder, else <see cref="FormatVersion"/>.</summary>
    public static int FormatVersionOf(SomModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Encoder is null ? FormatVersion : EncoderFormatVersion;
    }

    private static void AddEncoderMetadata(SomModel model, List<KeyValuePair<string, string>> metadata)
    {
        if (model.Encoder is { } encoder)
        {
            metadata.Add(new("encoder", encoder.ToJson()));
        }
    }

    private static FeatureEncoder? ReadEncoder(System.Text.Json.JsonElement meta, int version, string sourceName)
    {
        var text = Text(meta, "encoder");
        if (text is null)
        {
            return version >= EncoderFormatVersion
                ? throw new SomFormatException(sourceName, $"a format {version} file without its 'encoder' metadata; the file is damaged.")
                : null;
        }

        if (version < EncoderFormatVersion)
        {
            throw new SomFormatException(sourceName, $"a format {version} file with 'encoder' metadata, which format {EncoderFormatVersion} introduced; the file is damaged.");
        }

        try
        {
            return FeatureEncoder.FromJson(text);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or ArgumentException)
        {
            throw new SomFormatException(sourceName, $"the encoder metadata is damaged: {Printable(e.Message)}");
        }
    }

    private static FeatureScaler ReadWeights(Dictionary<string, (long Start, long End, int[] Shape)> tensors, ReadOnlySpan<byte> data, int dim, string sourceName)
    {
        var offset = Tensor(tensors, data, "scaler.offset", [dim], sourceName);
        var factor = Tensor(tensors, data, "scaler.factor", [dim], sourceName);
        try
        {
            return FeatureScaler.Weighted(Scaling.None, offset, factor);
        }
        catch (ArgumentException e)
        {
            throw new SomFormatException(sourceName, $"the feature weights it describes are not valid: {Printable(e.Message)}");
        }
    }
}
