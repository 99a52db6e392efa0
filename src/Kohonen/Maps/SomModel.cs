using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// A trained map: the grid, the codebook (one weight vector per node, node index y·Width + x), the
/// feature names, the scaler fitted on the training data (if any) and the options it was trained
/// with. Immutable and safe to share across threads; nothing hands out the live codebook.
/// </summary>
/// <remarks>
/// Inputs are given in the data's own units: every method applies the scaler first, so the codebook
/// and all distances are in the scaled space the map was trained in. Inputs must have
/// <see cref="Dimension"/> values, each finite or NaN for a missing value; an input with a missing
/// value is measured over its present features, the squared distance scaled by total/present
/// features (as R's kohonen does). An infinite value, or an input with every value missing, is an
/// <see cref="ArgumentException"/>.
/// </remarks>
public sealed partial class SomModel
{
    private readonly float[] _codebook;

    /// <summary>Whether the features have names other than x0, x1, … (columns are then matched by name).</summary>
    private readonly bool _namedFeatures;

    /// <summary>Takes ownership of <paramref name="codebook"/>.</summary>
    internal SomModel(Grid grid, int dimension, float[] codebook, IReadOnlyList<string>? featureNames, FeatureScaler? scaler, SomOptions? options, IReadOnlyList<TrainingStep>? history = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if ((long)grid.NodeCount * dimension != codebook.Length)
        {
            throw new ArgumentException(
                $"A {grid.Width}×{grid.Height} map of dimension {dimension} needs {(long)grid.NodeCount * dimension} weights; got {codebook.Length}.",
                nameof(codebook));
        }

        if (featureNames is not null && featureNames.Count != dimension)
        {
            throw new ArgumentException($"{dimension} features need {dimension} names; got {featureNames.Count}.", nameof(featureNames));
        }

        CheckFeatureNames(featureNames);

        if (scaler is not null && scaler.Dimension != dimension)
        {
            throw new ArgumentException($"The scaler has {scaler.Dimension} features; the map has {dimension}.", nameof(scaler));
        }

        var maxWeight = DataMatrix.MaxWeight(dimension);
        for (var i = 0; i < codebook.Length; i++)
        {
            if (!float.IsFinite(codebook[i]))
            {
                throw new ArgumentException($"Weight {i % dimension} of node {i / dimension} is {codebook[i]}; weights must be finite.", nameof(codebook));
            }

            if (Math.Abs(codebook[i]) > maxWeight)
            {
                throw new ArgumentException($"Weight {i % dimension} of node {i / dimension} is {codebook[i]:R}; weights of a map of {dimension} features must be within ±{maxWeight:R}.", nameof(codebook));
            }
        }

        Grid = grid;
        Dimension = dimension;
        _codebook = codebook;
        FeatureNames = featureNames is null ? [.. Enumerable.Range(0, dimension).Select(i => $"x{i}")] : [.. featureNames];
        _namedFeatures = !DataMatrix.AreDefaultNames(FeatureNames);
        Scaler = scaler;
        Options = options;
        History = history is null ? [] : [.. history];
        Search = new NearestNode(codebook, dimension);
        OtherSearch = Distance == DistanceMetric.Euclidean ? null : new DistanceSearch(codebook, dimension, Distance);
    }

    /// <summary>The longest feature name a map takes: 256 characters (so that a picture's labels and a
    /// model file's header stay small); a longer one is refused at training and at load.</summary>
    public const int MaxFeatureNameLength = 256;

    /// <summary>Refuses a feature name longer than <see cref="MaxFeatureNameLength"/>, naming its position.</summary>
    internal static void CheckFeatureNames(IReadOnlyList<string>? names)
    {
        for (var i = 0; names is not null && i < names.Count; i++)
        {
            if (names[i] is { Length: > MaxFeatureNameLength } name)
            {
                throw new ArgumentException($"Feature {i}'s name has {name.Length} characters; at most {MaxFeatureNameLength} are allowed.");
            }
        }
    }

    /// <summary>A model from a codebook given as [node][feature] floats (copied).</summary>
    public static SomModel Create(Grid grid, ReadOnlySpan<float> codebook, int dimension, IReadOnlyList<string>? featureNames = null, FeatureScaler? scaler = null) =>
        new(grid, dimension, codebook.ToArray(), featureNames, scaler, options: null);

    /// <summary>The grid.</summary>
    public Grid Grid { get; }

    /// <summary>Columns of the grid.</summary>
    public int Width => Grid.Width;

    /// <summary>Rows of the grid.</summary>
    public int Height => Grid.Height;

    /// <summary>Features per weight vector.</summary>
    public int Dimension { get; }

    /// <summary>The feature names (x0, x1, ... when none were given).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The scaler applied to every input, or null.</summary>
    public FeatureScaler? Scaler { get; }

    /// <summary>The options the map was trained with (the seed resolved), or null for a map built
    /// from a codebook.</summary>
    public SomOptions? Options { get; }

    /// <summary>The measured points of the training (empty when none were asked for with
    /// <see cref="SomOptions.MetricsEvery"/>, or for a map not made by training).</summary>
    public IReadOnlyList<TrainingStep> History { get; }

    /// <summary>All weights, node after node (a read-only view).</summary>
    public ReadOnlySpan<float> Codebook => _codebook;

    internal float[] CodebookArray => _codebook;

    /// <summary>The BMU search over this codebook, in the layout fastest for its dimension.</summary>
    internal NearestNode Search { get; }

    /// <summary>The distance the BMU search and the quantization error use: the training options'
    /// <see cref="SomOptions.Distance"/>, <see cref="DistanceMetric.Euclidean"/> for a map not made by
    /// training.</summary>
    public DistanceMetric Distance => Options?.Distance ?? DistanceMetric.Euclidean;

    /// <summary>The BMU search in <see cref="Distance"/> when it is not Euclidean, else null.</summary>
    internal DistanceSearch? OtherSearch { get; }

    /// <summary>A copy of the weights of node (x, y), in the scaled space.</summary>
    public float[] GetWeights(int x, int y) => _codebook.AsSpan(Grid.IndexOf(x, y) * Dimension, Dimension).ToArray();

    /// <summary>
    /// The BMU of one input: the node whose weights are nearest to the scaled input in the model's
    /// <see cref="Distance"/> (Euclidean unless trained otherwise), ties to the lowest node index. The
    /// distance is in the space the map was trained in (after the model's scaler).
    /// </summary>
    /// <param name="input"><see cref="Dimension"/> values, in the model's feature order
    /// (<see cref="FeatureNames"/>) and the data's own units; NaN for a missing value (the BMU is then
    /// the nearest node over the present features, its distance scaled by total/present features).</param>
    /// <exception cref="ArgumentException">A wrong length, an infinite value (its position and feature
    /// named), or every value missing.</exception>
    public Bmu FindBmu(ReadOnlySpan<float> input)
    {
        CheckInput(input, "The input");
        Span<float> scaled = Dimension <= 1024 ? stackalloc float[Dimension] : new float[Dimension];
        scoped ReadOnlySpan<float> vector = input;
        if (Scaler is not null)
        {
            Scaler.Transform(input, scaled);
            vector = scaled;
        }

        CheckMeasurable(input, vector, "The input");
        if (OtherSearch is { } other)
        {
            RefuseMissingValues(vector);
            var node = other.FindBest(vector, Options?.MaxDegreeOfParallelism ?? Environment.ProcessorCount, out var distance);
            return new Bmu(node % Width, node / Width, node, distance);
        }

        var index = MissingValues.HasAny(vector)
            ? MaskedSearch.FindBest(_codebook, Dimension, vector, out var d2)
            : Search.FindBest(vector, Options?.MaxDegreeOfParallelism ?? Environment.ProcessorCount, out d2);
        return new Bmu(index % Width, index / Width, index, MathF.Sqrt(d2));
    }

    /// <summary>
    /// The BMU of every row (as <see cref="FindBmu(ReadOnlySpan{float})"/>, ties to the lowest node
    /// index), in parallel over rows; the answers do not depend on the number of threads.
    /// </summary>
    /// <remarks>
    /// When the data's columns have names and the model's features have names (other than the
    /// x0, x1, … given to unnamed data), columns are matched to features by name, in any order: a
    /// feature the data lacks, a column that is no feature, or a name given twice is an
    /// <see cref="ArgumentException"/> that lists them. Otherwise columns are taken by position and
    /// there must be <see cref="Dimension"/> of them.
    /// </remarks>
    /// <param name="data">At least one row; every value finite or NaN (missing), at least one present
    /// per row.</param>
    /// <param name="maxThreads">The most threads to use; default all cores.</param>
    /// <exception cref="ArgumentException">The columns do not match the features, the data is empty,
    /// holds an infinite value (row and column named), or a row has every value missing (row
    /// named).</exception>
    public Bmu[] FindBmus(DataMatrix data, int? maxThreads = null)
    {
        var scaled = PrepareInput(data);
        if (OtherSearch is not null)
        {
            RefuseMissingValues(scaled.Values);
        }

        var result = new Bmu[scaled.Rows];
        Parallel.For(0, (scaled.Rows + 255) / 256, new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? Environment.ProcessorCount }, c =>
        {
            var start = c * 256;
            var count = Math.Min(scaled.Rows, start + 256) - start;
            Span<int> index = stackalloc int[256];
            Span<float> d2 = stackalloc float[256];
            var rows = scaled.Values.Slice(start * Dimension, count * Dimension);
            if (OtherSearch is { } other)
            {
                other.FindBest(rows, index, d2);
                for (var r = 0; r < count; r++)
                {
                    result[start + r] = new Bmu(index[r] % Width, index[r] / Width, index[r], d2[r]);
                }

                return;
            }

            if (MissingValues.HasAny(rows))
            {
                FindBestWithHoles(rows, index, d2);
            }
            else
            {
                Search.FindBest(rows, index, d2);
            }

            for (var r = 0; r < count; r++)
            {
                result[start + r] = new Bmu(index[r] % Width, index[r] / Width, index[r], MathF.Sqrt(d2[r]));
            }
        });
        return result;
    }

    /// <summary>The mean distance from each row to its BMU (<see cref="QualityMetrics.QuantizationError"/>),
    /// the columns matched to the features as in <see cref="FindBmus(DataMatrix, int?)"/>.</summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <exception cref="ArgumentException">The data does not fit the map, is empty, or holds a NaN or
    /// infinite value.</exception>
    public double QuantizationError(DataMatrix data) => QualityMetrics.QuantizationError(this, data);

    /// <summary>The share of rows whose two best nodes are not grid neighbours
    /// (<see cref="QualityMetrics.TopographicError"/>; NaN on a one-node map).</summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <exception cref="ArgumentException">The data does not fit the map, is empty, or holds a NaN or
    /// infinite value.</exception>
    public double TopographicError(DataMatrix data) => QualityMetrics.TopographicError(this, data);

    /// <summary>The U-matrix, indexed [x, y] (<see cref="MapAnalysis.UMatrix"/>).</summary>
    public GridValues<float> UMatrix() => MapAnalysis.UMatrix(this);

    /// <summary>The number of rows each node wins, indexed [x, y] (<see cref="MapAnalysis.HitMap"/>).</summary>
    /// <param name="data">At least one row; every value finite.</param>
    public GridValues<int> HitMap(DataMatrix data) => MapAnalysis.HitMap(this, data);

    /// <summary>One feature's weights in its own units, indexed [x, y]
    /// (<see cref="MapAnalysis.ComponentPlane"/>).</summary>
    /// <param name="feature">The feature's position, 0..<see cref="Dimension"/>−1.</param>
    public GridValues<float> ComponentPlane(int feature) => MapAnalysis.ComponentPlane(this, feature);

    /// <summary>The majority label of the rows each node wins, null where none, indexed [x, y]
    /// (<see cref="MapAnalysis.LabelMap"/>).</summary>
    /// <param name="data">At least one row; every value finite.</param>
    /// <param name="labels">One label per row.</param>
    public GridValues<string?> LabelMap(DataMatrix data, IReadOnlyList<string> labels) => MapAnalysis.LabelMap(this, data, labels);

    /// <summary>Matches the columns of input data to the features, checks its values and applies the
    /// scaler. A row with every value missing is refused unless <paramref name="keepEmptyRows"/> (the
    /// measures of a training, which leave such rows out, as training skips them).</summary>
    internal DataMatrix PrepareInput(DataMatrix data, bool keepEmptyRows = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        data = MatchColumns(data);
        if (data.Rows == 0)
        {
            throw new ArgumentException("The data has no rows.", nameof(data));
        }

        data.EnsureFinite();
        var empty = keepEmptyRows ? -1 : MissingValues.FirstEmptyRow(data);
        if (empty >= 0)
        {
            throw new ArgumentException($"Row {empty} has every value missing; a BMU needs at least one value.", nameof(data));
        }

        var scaled = Scaler is null ? data : Scaler.Transform(data);
        var index = scaled.FirstBeyondRange();
        if (index >= 0)
        {
            var (row, column) = (index / Dimension, index % Dimension);
            throw new ArgumentException(Scaler is null
                ? $"Row {row}, column {column} ('{FeatureNames[column]}') is {data.Values[index]:R}; values must be within ±{DataMatrix.MaxMagnitude:R}."
                : $"Row {row}, column {column} ('{FeatureNames[column]}') is {data.Values[index]:R}, {scaled.Values[index]:R} after the map's scaling; scaled values must be within ±{DataMatrix.MaxMagnitude:R}.");
        }

        return scaled;
    }

    /// <summary>Refuses an input whose value, where distances are measured (after the scaler), is beyond
    /// ±<see cref="DataMatrix.MaxMagnitude"/>, so that no distance overflows.</summary>
    private void CheckMeasurable(ReadOnlySpan<float> input, ReadOnlySpan<float> measured, string what)
    {
        var i = DataMatrix.FirstBeyondRange(measured);
        if (i >= 0)
        {
            throw new ArgumentException(Scaler is null
                ? $"{what}'s value {i} ('{FeatureNames[i]}') is {input[i]:R}; values must be within ±{DataMatrix.MaxMagnitude:R}."
                : $"{what}'s value {i} ('{FeatureNames[i]}') is {input[i]:R}, {measured[i]:R} after the map's scaling; scaled values must be within ±{DataMatrix.MaxMagnitude:R}.");
        }
    }

    /// <summary>The BMUs of rows some of which have missing values: those over their present features
    /// (<see cref="MaskedSearch"/>), complete ones through <see cref="Search"/>.</summary>
    internal void FindBestWithHoles(ReadOnlySpan<float> rows, Span<int> best, Span<float> distanceSquared)
    {
        for (var r = 0; r < rows.Length / Dimension; r++)
        {
            var row = rows.Slice(r * Dimension, Dimension);
            best[r] = MissingValues.HasAny(row)
                ? MaskedSearch.FindBest(_codebook, Dimension, row, out distanceSquared[r])
                : Search.FindBest(row, out distanceSquared[r]);
        }
    }

    /// <summary>Refuses missing values (NaN) for a map of another distance: its searches need every
    /// value.</summary>
    private void RefuseMissingValues(ReadOnlySpan<float> values)
    {
        if (MissingValues.HasAny(values))
        {
            throw new ArgumentException($"This map measures {OptionText.ToText(Distance)} distances, which need every value; only a map in the Euclidean distance can place rows with missing values (NaN). Fill or drop the incomplete rows first (kohonen impute fills them with a Euclidean map).");
        }
    }

    private void CheckInput(ReadOnlySpan<float> input, string what)
    {
        if (input.Length != Dimension)
        {
            throw new ArgumentException($"{what} has {input.Length} values; the map expects {Dimension} ({string.Join(", ", FeatureNames)}).");
        }

        for (var i = 0; i < input.Length; i++)
        {
            if (float.IsInfinity(input[i]))
            {
                throw new ArgumentException($"{what}'s value {i} ('{FeatureNames[i]}') is {input[i]}; only finite numbers, or NaN for a missing value, are allowed.");
            }
        }

        if (MissingValues.CountPresent(input) == 0)
        {
            throw new ArgumentException($"{what} has every value missing; a BMU needs at least one of the map's features ({string.Join(", ", FeatureNames)}).");
        }
    }
}
