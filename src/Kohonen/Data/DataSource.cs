namespace Kohonen;

/// <summary>
/// The rows a map is trained on: all in memory (<see cref="FromMatrix"/>) or read from a file a chunk
/// at a time (<see cref="FromNpy"/>), for data larger than memory. Give one to
/// <see cref="SomTrainer.Fit(DataSource, IProgress{TrainingProgress}?, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// Whatever the source, the rows are visited in their order, so a map trained on a file streamed in
/// chunks is bit for bit the map trained on the same rows in memory. A streamed source trains with
/// the batch algorithm only (the online algorithm visits rows one by one) and cannot start from a PCA
/// initialisation. Dispose a source made from a file to close it; disposing one made from a matrix
/// does nothing.
/// </remarks>
public abstract class DataSource : IDisposable
{
    private protected DataSource()
    {
    }

    /// <summary>The number of rows.</summary>
    public abstract int Rows { get; }

    /// <summary>The number of values per row (features).</summary>
    public abstract int Columns { get; }

    /// <summary>The feature names, which a trained model keeps: the given names, or x0, x1, … .</summary>
    public abstract IReadOnlyList<string> ColumnNames { get; }

    /// <summary>True when the rows are read from a file a chunk at a time rather than held in
    /// memory.</summary>
    public abstract bool IsStreamed { get; }

    /// <summary>The number of missing feature values (NaN) the rows hold, as the reader counted them;
    /// 0 when not counted (a source made from a matrix).</summary>
    public long MissingCells { get; init; }

    /// <summary>The number of rows the reader skipped for having too many missing features (they are
    /// not among <see cref="Rows"/>); 0 when not counted.</summary>
    public long SkippedRows { get; init; }

    /// <summary>All the rows at once, or null when they are streamed.</summary>
    internal abstract DataMatrix? Whole { get; }

    /// <summary>Rows held in memory. The matrix is not copied (it is immutable).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public static DataSource FromMatrix(DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new InMemory(data);
    }

    /// <summary>The rows a reader read (<see cref="CsvDataReader"/>, <see cref="ParquetDataReader"/>),
    /// held in memory, with the reader's counts of missing cells and skipped rows.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public static DataSource FromCsv(CsvData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new InMemory(data.Data) { MissingCells = data.MissingCells, SkippedRows = data.SkippedRows };
    }

    /// <summary>
    /// Rows of a NumPy <c>.npy</c> file (a 2-D array of float32 or float64, either byte order, C order),
    /// read <paramref name="rowsPerChunk"/> at a time: working memory during training is one chunk of
    /// rows plus the codebook-sized sums, whatever the size of the file. float64 values are rounded to
    /// the nearest float32; a NaN is a missing value. Only the header is read here; an infinite value is a
    /// <see cref="DataFormatException"/> naming its row and column when training reaches it.
    /// </summary>
    /// <param name="path">The file. It stays open until the source is disposed.</param>
    /// <param name="rowsPerChunk">Rows read at a time, at least 1.</param>
    /// <param name="columnNames">One name per column, or null for x0, x1, … (a .npy file stores no
    /// names).</param>
    /// <exception cref="DataFormatException">Not a .npy file, an unsupported dtype or shape, or a file
    /// shorter than its header says.</exception>
    /// <exception cref="ArgumentException">Not one name per column.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowsPerChunk"/> is below 1.</exception>
    public static DataSource FromNpy(string path, int rowsPerChunk, IReadOnlyList<string>? columnNames = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        return new Npy(NpyRowReader.Open(path, columnNames), rowsPerChunk);
    }

    /// <summary>The rows in order, in chunks (the whole matrix as one chunk when in memory, else
    /// chunks of the size the source was made with, read from the file as they are enumerated), in
    /// their own units. Each enumeration reads the rows again.</summary>
    public abstract IEnumerable<DataMatrix> Chunks();

    /// <summary>Checks no value is infinite where that can be done before training (NaN, a missing
    /// value, is allowed).</summary>
    internal abstract void EnsureFinite();

    /// <summary>The scaler of the given kind fitted on these rows in their order, or null for none;
    /// with an <see cref="Encoder"/>, its weights folded in (<see cref="FeatureEncoder"/>).</summary>
    internal FeatureScaler? FitScaler(Scaling kind) =>
        Encoder is null ? FeatureScaler.Fit(Chunks, Columns, kind) : Encoder.Weigh(FeatureScaler.Fit(Chunks, Columns, kind));

    /// <summary>The encoder that made these rows (their columns are its features), which a model
    /// trained on them keeps; null for plain numeric rows.</summary>
    public FeatureEncoder? Encoder { get; private set; }

    /// <summary>
    /// Says that these rows were made by <paramref name="encoder"/> (see
    /// <see cref="FeatureEncoder.Encode(DataMatrix?, IReadOnlyDictionary{string, IReadOnlyList{string?}}?, ICollection{UnseenCategory}?)"/>):
    /// training then weighs the features as the encoder says and the model keeps it. Returns this
    /// source.
    /// </summary>
    /// <exception cref="ArgumentException">The columns are not the encoder's features, in order.</exception>
    public DataSource WithEncoder(FeatureEncoder? encoder)
    {
        if (encoder is not null && !ColumnNames.SequenceEqual(encoder.FeatureNames, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The rows' columns ({string.Join(", ", ColumnNames)}) are not the encoder's features ({string.Join(", ", encoder.FeatureNames)}).", nameof(encoder));
        }

        Encoder = encoder;
        return this;
    }

    /// <summary>The rows in the training space (scaled by <paramref name="scaler"/>).</summary>
    internal abstract TrainingData ToTraining(FeatureScaler? scaler);

    /// <summary>Closes the file of a streamed source.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the file of a streamed source.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class InMemory(DataMatrix data) : DataSource
    {
        public override int Rows => data.Rows;

        public override int Columns => data.Columns;

        public override IReadOnlyList<string> ColumnNames => data.ColumnNames;

        public override bool IsStreamed => false;

        internal override DataMatrix Whole => data;

        public override IEnumerable<DataMatrix> Chunks() => [data];

        internal override void EnsureFinite() => data.EnsureFinite();

        internal override TrainingData ToTraining(FeatureScaler? scaler) =>
            new TrainingData.InMemory(scaler is null ? data : scaler.Transform(data));
    }

    private sealed class Npy(NpyRowReader reader, int rowsPerChunk) : DataSource
    {
        public override int Rows => reader.Rows;

        public override int Columns => reader.Columns;

        public override IReadOnlyList<string> ColumnNames => reader.ColumnNames;

        public override bool IsStreamed => true;

        internal override DataMatrix? Whole => null;

        public override IEnumerable<DataMatrix> Chunks() => reader.Chunks(rowsPerChunk).Select(c => c.Rows);

        internal override void EnsureFinite()
        {
            // Checked as each chunk is read.
        }

        internal override TrainingData ToTraining(FeatureScaler? scaler) => new TrainingData.Streamed(reader, rowsPerChunk, scaler);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                reader.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
