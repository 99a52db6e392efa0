using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kohonen;

/// <summary>
/// Turns a table's input columns into the map's features: a numeric column is one feature; a
/// categorical (text) column is one-hot encoded into one feature per category, named
/// <c>column = category</c>, in the order of <see cref="Categories"/>. Each input column has a weight
/// in the squared distance. Immutable; a trained <see cref="SomModel"/> keeps it
/// (<see cref="SomModel.Encoder"/>) and the model file stores it.
/// </summary>
/// <remarks>
/// <para>Weights: a numeric column of weight w adds w·(x − y)² to the squared distance, x and y after
/// the model's scaler. A categorical column of weight w gives each of its one-hot features the weight
/// w/2, so that a row of one category and a node that holds only another differ by exactly w, as
/// much as a numeric feature of weight w across its whole min-max range: a categorical feature counts
/// as one feature, not as many as it has categories.</para>
/// <para>The weights are folded into the model's scaler: a feature of weight w is multiplied by √w
/// after scaling, and the one-hot features are not shifted or stretched by the scaler (offset 0,
/// factor √(w/2)), so <see cref="FeatureScaler.InverseTransform(ReadOnlySpan{float}, Span{float})"/>
/// gives weights in the data's own units and, for a category, the share of the node's rows in it.</para>
/// <para>Missing values: an empty or null category is missing, and so is a category not learned in
/// training (it is also reported as an <see cref="UnseenCategory"/>); all the one-hot features of a
/// missing category are NaN.</para>
/// </remarks>
public sealed class FeatureEncoder
{
    /// <summary>The weight of a categorical column unless another is given: 1, one feature's worth.</summary>
    public const double DefaultCategoricalWeight = 1.0;

    private readonly string[] _columns;
    private readonly FeatureKind[] _kinds;
    private readonly string[][] _categories;
    private readonly double[] _weights;
    private readonly string[] _featureNames;
    private readonly double[] _featureWeights;
    private readonly int[] _firstFeature;
    private readonly Dictionary<string, int>[] _categoryIndex;

    /// <summary>An encoder with the given columns.</summary>
    /// <param name="columns">The input columns' names, in order; unique, none empty or with a control
    /// character.</param>
    /// <param name="kinds">Each column's kind.</param>
    /// <param name="categories">Each column's categories, in the order of its one-hot features: empty
    /// for a numeric column; at least one, distinct and non-empty, for a categorical one.</param>
    /// <param name="weights">Each column's weight, finite and above 0; null for 1 everywhere.</param>
    /// <exception cref="ArgumentException">The lists disagree in length, or break a rule above (the
    /// column named), or two features would get the same name.</exception>
    public FeatureEncoder(IReadOnlyList<string> columns, IReadOnlyList<FeatureKind> kinds, IReadOnlyList<IReadOnlyList<string>> categories, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(categories);
        if (columns.Count == 0)
        {
            throw new ArgumentException("An encoder needs at least one column.", nameof(columns));
        }

        if (kinds.Count != columns.Count || categories.Count != columns.Count || (weights is not null && weights.Count != columns.Count))
        {
            throw new ArgumentException(
                $"{columns.Count} columns need as many kinds, category lists and weights; got {kinds.Count}, {categories.Count} and {weights?.Count ?? columns.Count}.", nameof(columns));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        var featureWeights = new List<double>();
        _firstFeature = new int[columns.Count];
        _categoryIndex = new Dictionary<string, int>[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            var name = columns[c];
            if (string.IsNullOrEmpty(name) || name.Any(char.IsControl))
            {
                throw new ArgumentException($"Column {c + 1}'s name is empty or holds a control character.", nameof(columns));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"Column '{name}' is named twice.", nameof(columns));
            }

            if (!Enum.IsDefined(kinds[c]))
            {
                throw new ArgumentException($"Column '{name}' has an unknown kind {kinds[c]}.", nameof(kinds));
            }

            var weight = weights?[c] ?? 1.0;
            if (!double.IsFinite(weight) || weight <= 0)
            {
                throw new ArgumentException($"Column '{name}' has weight {weight.ToString(CultureInfo.InvariantCulture)}; a weight must be a finite number above 0.", nameof(weights));
            }

            var list = categories[c] ?? throw new ArgumentException($"Column '{name}' has no category list.", nameof(categories));
            _firstFeature[c] = names.Count;
            _categoryIndex[c] = new Dictionary<string, int>(StringComparer.Ordinal);
            if (kinds[c] == FeatureKind.Numeric)
            {
                if (list.Count != 0)
                {
                    throw new ArgumentException($"Column '{name}' is numeric, so it has no categories; got {list.Count}.", nameof(categories));
                }

                names.Add(name);
                featureWeights.Add(weight);
                continue;
            }

            if (list.Count == 0)
            {
                throw new ArgumentException($"Categorical column '{name}' needs at least one category.", nameof(categories));
            }

            foreach (var category in list)
            {
                if (string.IsNullOrEmpty(category) || category.Any(char.IsControl))
                {
                    throw new ArgumentException($"Column '{name}' has an empty category or one with a control character.", nameof(categories));
                }

                if (!_categoryIndex[c].TryAdd(category, _categoryIndex[c].Count))
                {
                    throw new ArgumentException($"Column '{name}' lists category '{category}' twice.", nameof(categories));
                }

                names.Add(FeatureName(name, category));
                featureWeights.Add(weight / 2);
            }
        }

        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new ArgumentException($"Two features would be named '{twice.Key}'; rename the column or the category.", nameof(columns));
        }

        _columns = [.. columns];
        _kinds = [.. kinds];
        _categories = [.. categories.Select(l => l.ToArray())];
        _weights = weights is null ? [.. Enumerable.Repeat(1.0, columns.Count)] : [.. weights];
        _featureNames = [.. names];
        _featureWeights = [.. featureWeights];
    }

    /// <summary>The input columns' names, in order.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>Each input column's kind.</summary>
    public IReadOnlyList<FeatureKind> Kinds => _kinds;

    /// <summary>Each input column's categories in the order of its one-hot features (empty for a
    /// numeric column).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Categories => _categories;

    /// <summary>Each input column's weight in the squared distance.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>The map's features, in order: a numeric column's name, or <c>column = category</c> for
    /// each category of a categorical column.</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>The number of the map's features.</summary>
    public int Dimension => _featureNames.Length;

    /// <summary>True when a column is categorical.</summary>
    public bool HasCategories => _kinds.Contains(FeatureKind.Categorical);

    /// <summary>The weight of feature <paramref name="feature"/> in the squared distance: its column's
    /// weight, halved for a one-hot feature.</summary>
    public double FeatureWeight(int feature) => _featureWeights[feature];

    /// <summary>The name of the one-hot feature of <paramref name="category"/> in
    /// <paramref name="column"/>: <c>column = category</c>.</summary>
    public static string FeatureName(string column, string category) => $"{column} = {category}";

    /// <summary>
    /// An encoder learned from a table: each categorical column's categories are its distinct
    /// non-empty values, in ordinal order.
    /// </summary>
    /// <param name="columns">The input columns' names, in order.</param>
    /// <param name="kinds">Each column's kind.</param>
    /// <param name="text">Each categorical column's values, by its name (null or empty is missing).</param>
    /// <param name="weights">Each column's weight; null for 1 everywhere.</param>
    /// <exception cref="ArgumentException">A categorical column has no values in <paramref name="text"/>
    /// or no non-empty value, or the columns break a rule of the constructor.</exception>
    public static FeatureEncoder Fit(IReadOnlyList<string> columns, IReadOnlyList<FeatureKind> kinds, IReadOnlyDictionary<string, IReadOnlyList<string?>> text, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(text);
        var categories = new List<IReadOnlyList<string>>();
        for (var c = 0; c < columns.Count; c++)
        {
            if (c >= kinds.Count || kinds[c] == FeatureKind.Numeric)
            {
                categories.Add([]);
                continue;
            }

            if (!text.TryGetValue(columns[c], out var values))
            {
                throw new ArgumentException($"No values are given for categorical column '{columns[c]}'.", nameof(text));
            }

            var distinct = values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (distinct.Count == 0)
            {
                throw new ArgumentException($"Categorical column '{columns[c]}' has no values, only empty cells.", nameof(text));
            }

            categories.Add(distinct);
        }

        return new FeatureEncoder(columns, kinds, categories, weights);
    }

    /// <summary>
    /// Encodes a table: the numeric columns from <paramref name="numbers"/> (matched by name, or by
    /// position among the numeric columns when its columns are unnamed x0, x1, …), the categorical
    /// ones from <paramref name="text"/> by name. Numbers are copied as they are (NaN stays missing);
    /// a category gets 1 in its feature and 0 in its column's others; an empty or null category, or
    /// one not in <see cref="Categories"/>, gets NaN in all of them (the latter is added to
    /// <paramref name="unseen"/>).
    /// </summary>
    /// <param name="numbers">The numeric columns (null when there are none).</param>
    /// <param name="text">The categorical columns' values, one per row, by name (null when there are
    /// none).</param>
    /// <param name="unseen">Told of every category not learned in training; may be null.</param>
    /// <returns>Rows × <see cref="Dimension"/> values named <see cref="FeatureNames"/>.</returns>
    /// <exception cref="ArgumentException">A column is missing (all missing ones listed), a column
    /// is not one of the encoder's, or the columns disagree on the number of rows.</exception>
    public DataMatrix Encode(DataMatrix? numbers, IReadOnlyDictionary<string, IReadOnlyList<string?>>? text, ICollection<UnseenCategory>? unseen = null)
    {
        var numericColumns = Enumerable.Range(0, _columns.Length).Where(c => _kinds[c] == FeatureKind.Numeric).ToArray();
        var source = new int[_columns.Length];
        var missing = new List<string>();
        int? rows = numbers?.Rows;
        if (numbers is not null && DataMatrix.AreDefaultNames(numbers.ColumnNames) && !DataMatrix.AreDefaultNames([.. numericColumns.Select(c => _columns[c])]))
        {
            if (numbers.Columns != numericColumns.Length)
            {
                throw new ArgumentException($"The encoder has {numericColumns.Length} numeric columns ({Quoted(numericColumns.Select(c => _columns[c]))}); the data has {numbers.Columns} unnamed columns.", nameof(numbers));
            }

            for (var i = 0; i < numericColumns.Length; i++)
            {
                source[numericColumns[i]] = i;
            }
        }
        else
        {
            var extra = numbers?.ColumnNames.Where(n => Array.IndexOf(numericColumns.Select(c => _columns[c]).ToArray(), n) < 0).ToList() ?? [];
            if (extra.Count > 0)
            {
                throw new ArgumentException($"Not numeric columns of the map: {Quoted(extra)}; its numeric columns are {Quoted(numericColumns.Select(c => _columns[c]))}.", nameof(numbers));
            }

            foreach (var c in numericColumns)
            {
                source[c] = numbers is null ? -1 : IndexOf(numbers.ColumnNames, _columns[c]);
                if (source[c] < 0)
                {
                    missing.Add(_columns[c]);
                }
            }
        }

        var texts = new IReadOnlyList<string?>[_columns.Length];
        for (var c = 0; c < _columns.Length; c++)
        {
            if (_kinds[c] != FeatureKind.Categorical)
            {
                continue;
            }

            if (text is null || !text.TryGetValue(_columns[c], out var values))
            {
                missing.Add(_columns[c]);
                continue;
            }

            if (rows is not null && values.Count != rows)
            {
                throw new ArgumentException($"Column '{_columns[c]}' has {values.Count} values; the other columns have {rows} rows.", nameof(text));
            }

            rows = values.Count;
            texts[c] = values;
        }

        if (missing.Count > 0)
        {
            throw new ArgumentException($"The data lacks the map's input columns {Quoted(missing)}; the map's columns are {Quoted(_columns)}.", nameof(numbers));
        }

        var extraText = text?.Keys.Where(k => Array.IndexOf(_columns, k) < 0 || _kinds[Array.IndexOf(_columns, k)] != FeatureKind.Categorical).ToList() ?? [];
        if (extraText.Count > 0)
        {
            throw new ArgumentException($"Not categorical columns of the map: {Quoted(extraText)}.", nameof(text));
        }

        var count = rows ?? 0;
        var result = new float[(long)count * Dimension];
        for (var r = 0; r < count; r++)
        {
            var row = result.AsSpan(r * Dimension, Dimension);
            for (var c = 0; c < _columns.Length; c++)
            {
                if (_kinds[c] == FeatureKind.Numeric)
                {
                    row[_firstFeature[c]] = numbers![r, source[c]];
                }
                else
                {
                    EncodeCategory(c, texts[c]![r], r, row, unseen);
                }
            }
        }

        return DataMatrix.Wrap(result, count, Dimension, _featureNames);
    }

    /// <summary>
    /// Encodes one row given column by column, as <see cref="Encode(DataMatrix?, IReadOnlyDictionary{string, IReadOnlyList{string?}}?, ICollection{UnseenCategory}?)"/>
    /// does: <paramref name="numbers"/>[c] is read for a numeric column c, <paramref name="text"/>[c]
    /// for a categorical one (the other list's entry is ignored).
    /// </summary>
    /// <param name="numbers">One value per input column (NaN is missing).</param>
    /// <param name="text">One value per input column (null or empty is missing).</param>
    /// <param name="unseen">Told of a category not learned in training (as row 0); may be null.</param>
    /// <returns><see cref="Dimension"/> values.</returns>
    /// <exception cref="ArgumentException">A list is not one entry per input column.</exception>
    public float[] EncodeRow(ReadOnlySpan<double> numbers, IReadOnlyList<string?> text, ICollection<UnseenCategory>? unseen = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (numbers.Length != _columns.Length || text.Count != _columns.Length)
        {
            throw new ArgumentException($"The encoder has {_columns.Length} input columns ({Quoted(_columns)}); got {numbers.Length} numbers and {text.Count} texts.", nameof(numbers));
        }

        var row = new float[Dimension];
        for (var c = 0; c < _columns.Length; c++)
        {
            if (_kinds[c] == FeatureKind.Numeric)
            {
                row[_firstFeature[c]] = (float)numbers[c];
            }
            else
            {
                EncodeCategory(c, text[c], 0, row, unseen);
            }
        }

        return row;
    }

    private void EncodeCategory(int column, string? value, int row, Span<float> destination, ICollection<UnseenCategory>? unseen)
    {
        var features = destination.Slice(_firstFeature[column], _categories[column].Length);
        if (!string.IsNullOrEmpty(value) && _categoryIndex[column].TryGetValue(value, out var index))
        {
            features.Clear();
            features[index] = 1f;
            return;
        }

        features.Fill(float.NaN);
        if (!string.IsNullOrEmpty(value))
        {
            unseen?.Add(new UnseenCategory(row, _columns[column], value));
        }
    }

    /// <summary>
    /// The model's scaler with the weights folded in: <paramref name="fitted"/> (fitted on the encoded
    /// rows; null without scaling) with each one-hot feature's offset set to 0 and factor to 1, then
    /// every factor multiplied by √(feature weight). Null when there is nothing to do (no scaler, no
    /// categories and every weight 1), so that such a map is the one trained without an encoder.
    /// </summary>
    internal FeatureScaler? Weigh(FeatureScaler? fitted)
    {
        if (fitted is not null && fitted.Dimension != Dimension)
        {
            throw new ArgumentException($"The scaler has {fitted.Dimension} features; the encoder has {Dimension}.", nameof(fitted));
        }

        if (!HasCategories && _weights.All(w => w == 1.0))
        {
            return fitted;
        }

        var offset = fitted?.Offset.ToArray() ?? new float[Dimension];
        var factor = fitted?.Factor.ToArray() ?? [.. Enumerable.Repeat(1f, Dimension)];
        for (var c = 0; c < _columns.Length; c++)
        {
            if (_kinds[c] == FeatureKind.Categorical)
            {
                for (var f = _firstFeature[c]; f < _firstFeature[c] + _categories[c].Length; f++)
                {
                    offset[f] = 0f;
                    factor[f] = 1f;
                }
            }
        }

        for (var f = 0; f < Dimension; f++)
        {
            factor[f] = (float)(factor[f] * Math.Sqrt(_featureWeights[f]));
        }

        return FeatureScaler.Weighted(fitted?.Kind ?? Scaling.None, offset, factor);
    }

    /// <summary>The encoder as the model file's <c>encoder</c> metadata: a JSON object
    /// {"columns": [{"name", "kind" (numeric | categorical), "weight", "categories" (categorical
    /// only)}, …]}.</summary>
    internal string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("columns");
            for (var c = 0; c < _columns.Length; c++)
            {
                w.WriteStartObject();
                w.WriteString("name", _columns[c]);
                w.WriteString("kind", _kinds[c] == FeatureKind.Numeric ? "numeric" : "categorical");
                w.WriteNumber("weight", _weights[c]);
                if (_kinds[c] == FeatureKind.Categorical)
                {
                    w.WriteStartArray("categories");
                    foreach (var category in _categories[c])
                    {
                        w.WriteStringValue(category);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads <see cref="ToJson"/>'s text.</summary>
    /// <exception cref="FormatException">The text is not an encoder (what is wrong said).</exception>
    internal static FeatureEncoder FromJson(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 8 });
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("columns", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("the encoder is not an object with a 'columns' array.");
        }

        var columns = new List<string>();
        var kinds = new List<FeatureKind>();
        var categories = new List<IReadOnlyList<string>>();
        var weights = new List<double>();
        foreach (var column in array.EnumerateArray())
        {
            if (column.ValueKind != JsonValueKind.Object
                || !column.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !column.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String
                || !column.TryGetProperty("weight", out var weight) || !weight.TryGetDouble(out var w))
            {
                throw new FormatException($"encoder column {columns.Count + 1} needs a name, a kind and a weight.");
            }

            columns.Add(name.GetString()!);
            weights.Add(w);
            switch (kind.GetString())
            {
                case "numeric":
                    kinds.Add(FeatureKind.Numeric);
                    categories.Add([]);
                    break;
                case "categorical":
                    if (!column.TryGetProperty("categories", out var list) || list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                    {
                        throw new FormatException($"encoder column '{name.GetString()}' is categorical without a list of categories.");
                    }

                    kinds.Add(FeatureKind.Categorical);
                    categories.Add([.. list.EnumerateArray().Select(e => e.GetString()!)]);
                    break;
                default:
                    throw new FormatException($"encoder column '{name.GetString()}' has kind '{kind.GetString()}'; allowed: numeric, categorical.");
            }
        }

        return new FeatureEncoder(columns, kinds, categories, weights);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
