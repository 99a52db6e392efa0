using System.CommandLine;
using System.Globalization;
using static System.FormattableString;

namespace Kohonen.Cli.Commands;

/// <summary>
/// <c>train</c>'s flags for categorical columns and feature weights: <c>--categorical C</c>
/// (repeatable), <c>--categorical-weight W</c> and <c>--feature-weight name=w</c> (repeatable), and how
/// they turn a table into the map's features through a <see cref="FeatureEncoder"/>.
/// </summary>
internal sealed class EncodingOptions
{
    public Option<string[]> Categorical { get; } = new("--categorical")
    {
        Description = "A CSV/TSV text column one-hot encoded in the model, by header name or 0-based index (repeatable, or comma separated). predict, the library and the service encode it the same way; a category not seen in training is treated as missing.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<double?> CategoricalWeight { get; } = new("--categorical-weight")
    {
        Description = Invariant($"The weight of each --categorical column in the squared distance (default {FeatureEncoder.DefaultCategoricalWeight}: a change of category counts as much as a numeric feature across its whole min-max range)."),
    };

    public Option<string[]> FeatureWeight { get; } = new("--feature-weight")
    {
        Description = "A column's weight in the squared distance, as name=w with w above 0 (repeatable; default 1). Pictures and weights are still shown in the data's own units.",
        AllowMultipleArgumentsPerToken = true,
    };

    public IEnumerable<Option> All => [Categorical, CategoricalWeight, FeatureWeight];

    /// <summary>The categorical columns named, or null.</summary>
    public IReadOnlyList<string>? CategoricalColumns(ParseResult r) => DataFiles.Columns(r.GetValue(Categorical));

    /// <summary>True when any of the flags is given.</summary>
    public bool Given(ParseResult r) =>
        CategoricalColumns(r) is not null || r.GetValue(CategoricalWeight) is not null || r.GetValue(FeatureWeight) is { Length: > 0 };

    /// <summary>
    /// The table in the map's features and the encoder that made them, or the table as it is and null
    /// when no column is categorical and every weight is 1: numeric columns first, in their order,
    /// then the categorical ones in the order named.
    /// </summary>
    /// <exception cref="UsageException">A weight is not a number above 0, names no column, or a
    /// categorical column has only empty cells.</exception>
    /// <exception cref="DataFormatException">A category is missing and <paramref name="reading"/>
    /// refuses missing values.</exception>
    public (CsvData Table, FeatureEncoder? Encoder) Encode(ParseResult r, CsvData table, DataReading reading, string source)
    {
        var text = CategoryText.Of(table, CategoricalColumns(r) ?? [], reading, source);
        var encoder = Build(r, table.Data.ColumnNames, text.ToDictionary(p => p.Key, p => CategoryText.Categories(p.Value), StringComparer.Ordinal));
        return encoder is null
            ? (table, null)
            : (table with { Data = encoder.Encode(table.Data, text), TextColumns = new Dictionary<string, IReadOnlyList<string>>(), MissingCategories = CategoryText.CountMissing(text) }, encoder);
    }

    /// <summary>
    /// The encoder of a table's columns: <paramref name="numeric"/> first, in their order, then the
    /// categorical columns in the order of <paramref name="categories"/> (each with its categories in
    /// ordinal order); null when no column is categorical and every weight is 1. A table read whole and
    /// the same table streamed get the same encoder.
    /// </summary>
    /// <exception cref="UsageException">A weight is not a number above 0, names no column, or a
    /// categorical column has only empty cells.</exception>
    public FeatureEncoder? Build(ParseResult r, IReadOnlyList<string> numeric, IReadOnlyDictionary<string, IReadOnlyList<string>> categories)
    {
        var categoricalWeight = r.GetValue(CategoricalWeight) ?? FeatureEncoder.DefaultCategoricalWeight;
        if (!double.IsFinite(categoricalWeight) || categoricalWeight <= 0)
        {
            throw new UsageException(Invariant($"--categorical-weight must be a number above 0; got {categoricalWeight}."));
        }

        string[] columns = [.. numeric, .. categories.Keys];
        var weights = Weights(r, columns);
        var kinds = columns.Select((_, i) => i < numeric.Count ? FeatureKind.Numeric : FeatureKind.Categorical).ToArray();
        var chosen = columns.Select((c, i) => weights.TryGetValue(c, out var w) ? w : kinds[i] == FeatureKind.Categorical ? categoricalWeight : 1.0).ToArray();
        if (categories.Count == 0 && chosen.All(w => w == 1.0))
        {
            return null;
        }

        if (categories.FirstOrDefault(p => p.Value.Count == 0) is { Key: { } empty })
        {
            throw new UsageException($"--categorical: Categorical column '{empty}' has no values, only empty cells.");
        }

        try
        {
            return new FeatureEncoder(columns, kinds, [.. columns.Select((c, i) => kinds[i] == FeatureKind.Categorical ? categories[c] : [])], chosen);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--categorical: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    /// <summary>The encoder for streamed numeric rows (feature weights only), or null when every
    /// weight is 1.</summary>
    /// <exception cref="UsageException">A weight is bad.</exception>
    public FeatureEncoder? ForStream(ParseResult r, IReadOnlyList<string> columns) =>
        Build(r, columns, new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>A line that says how the columns are encoded and weighted.</summary>
    public static string Describe(FeatureEncoder encoder)
    {
        var parts = new List<string>();
        for (var c = 0; c < encoder.Columns.Count; c++)
        {
            var weight = encoder.Weights[c] == 1.0 ? "" : Invariant($", weight {encoder.Weights[c]}");
            if (encoder.Kinds[c] == FeatureKind.Categorical)
            {
                parts.Add($"{encoder.Columns[c]} (categorical: {string.Join(", ", encoder.Categories[c])}{weight})");
            }
            else if (weight.Length > 0)
            {
                parts.Add($"{encoder.Columns[c]} ({weight[2..]})");
            }
        }

        return $"Encoded {string.Join("; ", parts)}: {encoder.Dimension} features.";
    }

    private Dictionary<string, double> Weights(ParseResult r, IReadOnlyList<string> columns)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in r.GetValue(FeatureWeight) ?? [])
        {
            var at = item.LastIndexOf('=');
            if (at <= 0 || !double.TryParse(item.AsSpan(at + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || !double.IsFinite(w) || w <= 0)
            {
                throw new UsageException($"--feature-weight takes name=w with w a number above 0 (e.g. --feature-weight 'petal length=2'); got '{item}'.");
            }

            var name = item[..at].Trim();
            if (!columns.Contains(name, StringComparer.Ordinal))
            {
                throw new UsageException($"--feature-weight: '{name}' is not a column of the map; the columns are: {string.Join(", ", columns)}.");
            }

            if (!weights.TryAdd(name, w))
            {
                throw new UsageException($"--feature-weight: '{name}' is given twice.");
            }
        }

        return weights;
    }
}
