using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Kohonen.Tracking;

/// <summary>
/// What makes two runs comparable, read from a run's tags and params: the data it was trained on (its
/// fingerprint, the SHA-256 of the file's bytes), the feature schema (the feature names, in order), and
/// how the features were scaled and encoded. Two runs are <see cref="IsComparableWith">comparable</see>
/// when they have the same data fingerprint and feature schema; a metric measured in the scaled units
/// (the quantization error) can be ranked across them only when they also share the scaling, the encoder
/// and the distance.
/// </summary>
/// <param name="Fingerprint">The <c>data_sha256</c> tag, or null when the data had no file (random or
/// generated rows).</param>
/// <param name="DataFile">The <c>data_file</c> tag (the file's name), or null.</param>
/// <param name="Rows">The <c>data_rows</c> tag, or null.</param>
/// <param name="Schema">The <c>feature_schema</c> tag, or for runs recorded before it
/// <c>"N columns"</c> from the <c>data_columns</c> tag; null when neither is known.</param>
/// <param name="Scaling">The <c>scaling</c> tag, else the <c>scaling</c> param; null when unknown.</param>
/// <param name="Encoder">The <c>encoder</c> tag; <c>none</c> when it was not recorded (every feature
/// numeric).</param>
public sealed record RunProfile(string? Fingerprint, string? DataFile, string? Rows, string? Schema, string? Scaling, string Encoder)
{
    /// <summary>Tag: the SHA-256 of the data file's bytes (lower-case hex).</summary>
    public const string FingerprintTag = "data_sha256";

    /// <summary>Tag: the data file's name.</summary>
    public const string DataFileTag = "data_file";

    /// <summary>The distance the map was trained and measured in: the <c>distance</c> param, recorded
    /// when it is not the default, else <c>euclidean</c>.</summary>
    public string Distance { get; init; } = "euclidean";

    /// <summary>Tag: the number of training rows.</summary>
    public const string RowsTag = "data_rows";

    /// <summary>Tag: the number of features (kept for runs recorded before the schema).</summary>
    public const string ColumnsTag = "data_columns";

    /// <summary>Tag: the feature schema (see <see cref="SchemaOf"/>).</summary>
    public const string SchemaTag = "feature_schema";

    /// <summary>Tag: the scaling the model keeps (<c>none</c>, <c>min-max</c>, <c>zscore</c>).</summary>
    public const string ScalingTag = "scaling";

    /// <summary>Tag: how features were encoded before scaling (<c>none</c>: all numeric).</summary>
    public const string EncoderTag = "encoder";

    /// <summary>Metric: the quantization error in the data's own units (see
    /// <see cref="DataUnits.QuantizationError"/>), recorded for every run.</summary>
    public const string DataQuantizationError = "data_quantization_error";

    /// <summary>Schemas longer than this are recorded as a count and a hash.</summary>
    private const int LongestSchema = 2000;

    /// <summary>The profile of a recorded run.</summary>
    public static RunProfile Of(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var tags = run.Tags;
        var schema = tags.GetValueOrDefault(SchemaTag)
            ?? (tags.GetValueOrDefault(ColumnsTag) is { } columns ? $"{columns} columns" : null);
        var scaling = tags.GetValueOrDefault(ScalingTag) ?? run.Params.GetValueOrDefault("scaling");
        return new RunProfile(tags.GetValueOrDefault(FingerprintTag), tags.GetValueOrDefault(DataFileTag), tags.GetValueOrDefault(RowsTag),
            schema, scaling, tags.GetValueOrDefault(EncoderTag) ?? "none")
        {
            Distance = run.Params.GetValueOrDefault("distance") ?? "euclidean",
        };
    }

    /// <summary>
    /// The feature schema as recorded: the feature names joined by commas; a schema longer than 2,000
    /// characters is recorded as <c>"N features sha256:HEX"</c> (the hash of the joined names).
    /// </summary>
    public static string SchemaOf(IReadOnlyList<string> featureNames)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        var joined = string.Join(',', featureNames);
        return joined.Length <= LongestSchema
            ? joined
            : string.Create(CultureInfo.InvariantCulture, $"{featureNames.Count} features sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)))}");
    }

    /// <summary>The tags that describe a trained model's schema, scaling and encoder.</summary>
    public static IReadOnlyDictionary<string, string> TagsOf(SomModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SchemaTag] = SchemaOf(model.FeatureNames),
            [ScalingTag] = OptionText.ToText(model.Scaler?.Kind ?? Kohonen.Scaling.None),
            [EncoderTag] = "none",
        };
    }

    /// <summary>The data as people name it: the file's name, else the start of its fingerprint, else
    /// "data without a file".</summary>
    public string DataName => DataFile ?? (Fingerprint is { } f ? $"data sha256 {f[..Math.Min(12, f.Length)]}" : "data without a file");

    /// <summary>Same data fingerprint and same feature schema (two runs without a fingerprint count as
    /// the same data only with the same data file name).</summary>
    public bool IsComparableWith(RunProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Fingerprint == other.Fingerprint && Schema == other.Schema && (Fingerprint is not null || DataFile == other.DataFile);
    }

    /// <summary>What differs from <paramref name="other"/> that makes the runs not comparable, in words
    /// ("data wine.csv vs cancer.csv, schema 13 vs 30 features"); empty when they are comparable.</summary>
    public string DifferenceFrom(RunProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var parts = new List<string>();
        if (Fingerprint != other.Fingerprint || (Fingerprint is null && DataFile != other.DataFile))
        {
            parts.Add($"data {DataName} vs {other.DataName}");
        }

        if (Schema != other.Schema)
        {
            parts.Add($"features {SchemaSummary} vs {other.SchemaSummary}");
        }

        return string.Join(", ", parts);
    }

    /// <summary>The schema in a few words: "13 (alcohol, malic_acid, …)".</summary>
    public string SchemaSummary
    {
        get
        {
            if (Schema is null)
            {
                return "unknown";
            }

            if (Schema.EndsWith(" columns", StringComparison.Ordinal) || Schema.Contains(" features sha256:", StringComparison.Ordinal))
            {
                return Schema;
            }

            var names = Schema.Split(',');
            return names.Length <= 3
                ? $"{names.Length} ({string.Join(", ", names)})"
                : $"{names.Length} ({names[0]}, {names[1]}, …)";
        }
    }

    /// <summary>The feature names of the schema, or null when it is not recorded as names.</summary>
    public IReadOnlyList<string>? FeatureNames =>
        Schema is null || Schema.EndsWith(" columns", StringComparison.Ordinal) || Schema.Contains(" features sha256:", StringComparison.Ordinal)
            ? null
            : Schema.Split(',');
}
