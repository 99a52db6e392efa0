namespace Kohonen;

// SomModel: inputs with categorical columns, encoded by the model's FeatureEncoder.
public sealed partial class SomModel
{
    private readonly FeatureEncoder? _encoder;

    /// <summary>
    /// The encoder the map was trained through (categorical columns one-hot encoded, feature weights),
    /// or null for a map of plain numeric features. Its <see cref="FeatureEncoder.FeatureNames"/> are
    /// this map's <see cref="FeatureNames"/>; its weights are folded into <see cref="Scaler"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Set to an encoder whose features are not this map's.</exception>
    public FeatureEncoder? Encoder
    {
        get => _encoder;
        init
        {
            if (value is not null && !value.FeatureNames.SequenceEqual(FeatureNames, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"The encoder's features ({string.Join(", ", value.FeatureNames)}) are not the map's ({string.Join(", ", FeatureNames)}).", nameof(value));
            }

            _encoder = value;
        }
    }

    /// <summary>
    /// Input as a table has it, in the map's features: with an <see cref="Encoder"/>, the numeric
    /// columns of <paramref name="numbers"/> and the categorical ones of <paramref name="categories"/>
    /// encoded (<see cref="FeatureEncoder.Encode(DataMatrix?, IReadOnlyDictionary{string, IReadOnlyList{string?}}?, ICollection{UnseenCategory}?)"/>:
    /// a category not seen in training becomes missing, NaN, and is added to
    /// <paramref name="unseen"/>); without one, <paramref name="numbers"/> as it is.
    /// </summary>
    /// <param name="numbers">The numeric columns, by name (null when the map has none).</param>
    /// <param name="categories">The categorical columns' text, one value per row, by name (null when
    /// the map has none).</param>
    /// <param name="unseen">Told of every category the map did not learn; may be null.</param>
    /// <exception cref="ArgumentException">A column is missing or not the map's, or text is given to a
    /// map without categorical columns.</exception>
    public DataMatrix Encode(DataMatrix? numbers, IReadOnlyDictionary<string, IReadOnlyList<string?>>? categories, ICollection<UnseenCategory>? unseen = null)
    {
        if (Encoder is not null)
        {
            return Encoder.Encode(numbers, categories, unseen);
        }

        if (categories is { Count: > 0 })
        {
            throw new ArgumentException(
                $"The map has no categorical columns (its features: {string.Join(", ", FeatureNames)}); got text for {string.Join(", ", categories.Keys.Select(k => $"'{k}'"))}.", nameof(categories));
        }

        return numbers ?? throw new ArgumentNullException(nameof(numbers));
    }

    /// <summary>
    /// The BMU of every row of a table with categorical columns: <see cref="Encode"/>, then
    /// <see cref="FindBmus(DataMatrix, int?)"/>.
    /// </summary>
    /// <param name="numbers">The numeric columns, by name (null when the map has none).</param>
    /// <param name="categories">The categorical columns' text, by name.</param>
    /// <param name="unseen">Told of every category the map did not learn; may be null.</param>
    /// <param name="maxThreads">The most threads to use; default all cores.</param>
    /// <exception cref="ArgumentException">The columns do not fit the map, or a value is missing where
    /// this build cannot search with missing values.</exception>
    public Bmu[] FindBmusWithCategories(DataMatrix? numbers, IReadOnlyDictionary<string, IReadOnlyList<string?>>? categories, ICollection<UnseenCategory>? unseen = null, int? maxThreads = null) =>
        FindBmus(Encode(numbers, categories, unseen), maxThreads);
}
