using System.Text.Json;

namespace Kohonen;

/// <summary>The <c>distance</c> metadata key: the distance a map's BMU search uses, written only when it
/// is not Euclidean, so a Euclidean map's file is the same bytes as before the key existed.</summary>
public static partial class SomFile
{
    private const string DistanceKey = "distance";

    private static void AddDistanceMetadata(SomModel model, List<KeyValuePair<string, string>> metadata)
    {
        if (model.Distance != DistanceMetric.Euclidean)
        {
            metadata.Add(new(DistanceKey, OptionText.ToText(model.Distance)));
        }
    }

    /// <summary>The options with the file's distance (Euclidean when the key is absent).</summary>
    private static SomOptions? ReadDistance(JsonElement meta, SomOptions? options, string sourceName)
    {
        if (!meta.TryGetProperty(DistanceKey, out var value))
        {
            return options is null || options.Distance == DistanceMetric.Euclidean ? options : options with { Distance = DistanceMetric.Euclidean };
        }

        var text = value.GetString();
        if (!OptionText.TryParse<DistanceMetric>(text, out var distance))
        {
            throw new SomFormatException(sourceName, $"unknown distance '{Printable(text ?? "missing")}'; allowed: {string.Join(", ", OptionText.Names<DistanceMetric>())}.");
        }

        if (options is null)
        {
            throw new SomFormatException(sourceName, "a distance is given for a map without training options; the metadata is damaged.");
        }

        return options with { Distance = distance };
    }
}
