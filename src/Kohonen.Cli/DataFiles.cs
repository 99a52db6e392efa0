using System.Globalization;
using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>Reads the data files the commands take: CSV (.csv, .txt), TSV (.tsv), NumPy (.npy) or
/// Parquet (.parquet).</summary>
internal static class DataFiles
{
    public const string Allowed = TrainingDataFile.Allowed + ", .parquet";

    /// <summary>Whether the file is a Parquet file by its extension (<c>.parquet</c>, any case).</summary>
    public static bool IsParquet(string path) => Path.GetExtension(path).Equals(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a data file; <paramref name="flag"/> names the flag in messages.</summary>
    /// <exception cref="UsageException">The file is missing or of an unknown kind, or a CSV option
    /// is given for a .npy file.</exception>
    public static CsvData Read(string path, string flag, IReadOnlyList<string>? columns, string? labelColumn, DataReading? reading = null, IReadOnlyList<string>? textColumns = null)
    {
        if (IsParquet(path))
        {
            throw new UsageException($"{flag}: '{path}' is a Parquet file, which this command does not read; convert it to CSV.");
        }

        var options = TextOptions(path, flag, columns, labelColumn, reading ?? DataReading.Default, textColumns);
        if (options is not null)
        {
            return CsvDataReader.Read(path, options);
        }

        var array = NpyFile.Read(path);
        if ((reading ?? DataReading.Default).Missing == MissingValuePolicy.Error)
        {
            RefuseMissing(path, array, firstRow: 0);
        }

        return new CsvData(NpyNames(path, array.Columns) is { } names ? new DataMatrix(array.Values, array.Rows, array.Columns, names) : array, null);
    }

    /// <summary>Refuses a NaN (a missing value in a .npy array) under <c>--missing error</c>, naming
    /// its row (0-based, counted from the file's first) and column.</summary>
    private static void RefuseMissing(string path, DataMatrix rows, long firstRow)
    {
        var at = FirstNaN(rows.Values);
        if (at >= 0)
        {
            throw new UsageException($"{path}: row {firstRow + (at / rows.Columns)}, column {at % rows.Columns} is NaN, a missing value; missing values are refused here (--missing error).");
        }
    }

    private static int FirstNaN(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The most bytes a names file beside a .npy array may have: 16 MiB.</summary>
    private const long MaxNamesBytes = 16 << 20;

    /// <summary>
    /// The feature names of a .npy array from the text file beside it, <c>NAME.names.txt</c> for
    /// <c>NAME.npy</c>: one name per line, as many as the array has columns; null when there is none.
    /// </summary>
    /// <exception cref="UsageException">The names file does not give one name per column, or a name
    /// is empty or holds a control character.</exception>
    public static IReadOnlyList<string>? NpyNames(string path, int columns)
    {
        var sidecar = Path.ChangeExtension(path, ".names.txt");
        if (!File.Exists(sidecar))
        {
            return null;
        }

        if (new FileInfo(sidecar).Length > MaxNamesBytes)
        {
            throw new UsageException($"{sidecar}: the names file is larger than {MaxNamesBytes >> 20} MiB.");
        }

        var names = File.ReadAllLines(sidecar).Select(l => l.Trim()).ToList();
        while (names.Count > 0 && names[^1].Length == 0)
        {
            names.RemoveAt(names.Count - 1);
        }

        if (names.Count != columns)
        {
            throw new UsageException($"{sidecar}: {names.Count} name(s), but {Path.GetFileName(path)} has {columns} column(s); give one name per line, one per column.");
        }

        var bad = names.FindIndex(n => n.Length == 0 || n.Any(char.IsControl));
        return bad < 0
            ? names
            : throw new UsageException($"{sidecar}, line {bad + 1}: a name must be non-empty, without control characters.");
    }

    /// <summary>Reads a data file of any kind, Parquet included; <paramref name="flag"/> names the
    /// flag in messages.</summary>
    /// <exception cref="UsageException">The file is missing or of an unknown kind, or a CSV option
    /// is given for a file that is not text.</exception>
    public static async Task<CsvData> ReadAsync(string path, string flag, IReadOnlyList<string>? columns, string? labelColumn, DataReading reading, IReadOnlyList<string>? textColumns, CancellationToken cancellationToken)
    {
        if (!IsParquet(path))
        {
            return Read(path, flag, columns, labelColumn, reading, textColumns);
        }

        return await ParquetDataReader.ReadAsync(path, ParquetOptions(path, flag, columns, labelColumn, reading, textColumns), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The rows to place on a map: a text file without a header has no column names (its features are
    /// matched to the map's by position, whichever columns were left out as labels or ids), so they get
    /// the default names x0, x1, … that count as none.
    /// </summary>
    public static DataMatrix ForModel(string path, CsvData table) =>
        table.Header is null && CsvDelimiter(path) is not null && !table.Data.ColumnNames.Select((n, i) => n == $"x{i}").All(same => same)
            ? new DataMatrix(table.Data.Values, table.Data.Rows, table.Data.Columns)
            : table.Data;

    /// <summary>
    /// What the reading decided that a user should be told, one line each: a header found by detection
    /// (so that a data row taken for one never goes unnoticed), a header given with --header yes that
    /// looks like data, and (unless <paramref name="counts"/> is false) the missing values read, numeric
    /// and categorical, and the rows skipped.
    /// </summary>
    public static IEnumerable<string> Notices(string path, CsvData table, DataReading reading, bool counts = true)
    {
        if (reading.Header is null && table.Header is { } header && !IsParquet(path) && !TrainingDataFile.IsNpy(path))
        {
            yield return $"{path}: took the first row as the header ({Shorten(header)}); give --header no if it is data.";
        }

        if (table.HeaderLooksLikeData && table.Header is { } given)
        {
            yield return $"{path}: --header yes took the first row as the header ({Shorten(given)}), but its feature columns hold only numbers, so it looks like data; give --header no (or auto) if it is.";
        }

        var missing = table.MissingCells + table.MissingCategories;
        if (counts && (missing > 0 || table.SkippedRows > 0))
        {
            var kinds = table.MissingCategories > 0 ? $" ({table.MissingCells} numeric, {table.MissingCategories} categorical)" : "";
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{path}: {missing} missing value(s){kinds} in the rows kept; {table.SkippedRows} row(s) skipped for having more than {reading.MaxMissing:0.###} of their features missing (--max-missing).");
        }
    }

    /// <summary>The rows whose label is empty (unlabelled rows, <see cref="DataReading.EmptyLabels"/>).</summary>
    public static int Unlabelled(IReadOnlyList<string>? labels) => labels?.Count(l => l.Length == 0) ?? 0;

    private static string Shorten(IReadOnlyList<string> header) =>
        header.Count <= 8 ? string.Join(", ", header) : $"{string.Join(", ", header.Take(8))}, … {header.Count} columns";

    /// <summary>
    /// Checks that the file exists and is of a kind the commands read: the CSV options for a
    /// delimited text file, null for a .npy file (which takes no CSV options).
    /// </summary>
    /// <exception cref="UsageException">The file is missing or of an unknown kind, or a CSV option
    /// is given for a .npy file.</exception>
    private static CsvReadOptions? TextOptions(string path, string flag, IReadOnlyList<string>? columns, string? labelColumn, DataReading reading, IReadOnlyList<string>? textColumns)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{flag}: the file '{path}' does not exist.");
        }

        if (TrainingDataFile.CsvDelimiter(path) is not null)
        {
            return reading.Csv(columns, labelColumn, textColumns);
        }

        if (!TrainingDataFile.IsNpy(path))
        {
            throw new UsageException($"{flag}: '{path}' has an unknown extension '{Path.GetExtension(path).ToLowerInvariant()}'; allowed: {Allowed}.");
        }

        if (columns is { Count: > 0 } || labelColumn is not null || textColumns is { Count: > 0 })
        {
            throw new UsageException($"--columns, --label-column, --id-column and --categorical apply to CSV and Parquet files; '{path}' is a .npy array (all columns are features).");
        }

        if (reading.HeaderGiven || reading.DelimiterGiven)
        {
            throw new UsageException($"--header and --delimiter apply to CSV and TSV files; '{path}' is a .npy array.");
        }

        return null;
    }

    private static CsvReadOptions ParquetOptions(string path, string flag, IReadOnlyList<string>? columns, string? labelColumn, DataReading reading, IReadOnlyList<string>? textColumns)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{flag}: the file '{path}' does not exist.");
        }

        if (reading.HeaderGiven || reading.DelimiterGiven)
        {
            throw new UsageException($"--header and --delimiter apply to CSV and TSV files; '{path}' is a Parquet file (its schema names the columns).");
        }

        return reading.Csv(columns, labelColumn, textColumns);
    }

    /// <summary>
    /// A data file opened to be read a chunk of rows at a time (<c>--batch-size</c>): a .npy file as it
    /// is; a CSV, TSV or Parquet file converted first, chunk by chunk (a Parquet file row group by row
    /// group), into a temporary float32 .npy file (deleted on dispose), so that memory stays bounded by
    /// the chunk however large the file is, and every epoch reads binary rows instead of parsing again.
    /// The label column's text, when one is named, is collected during the conversion (one string per
    /// row, held in memory).
    /// </summary>
    public sealed class Streamed : IDisposable
    {
        private readonly string? _temporary;

        private Streamed(DataSource source, string? temporary, IReadOnlyList<string>? labels, CsvData? counts, FeatureEncoder? encoder = null)
        {
            Source = source;
            _temporary = temporary;
            Labels = labels;
            Header = counts?.Header;
            Delimiter = counts?.Delimiter ?? ',';
            MissingCells = counts?.MissingCells ?? 0;
            SkippedRows = counts?.SkippedRows ?? 0;
            MissingCategories = counts?.MissingCategories ?? 0;
            HeaderLooksLikeData = counts?.HeaderLooksLikeData ?? false;
            Encoder = encoder;
        }

        public DataSource Source { get; }

        /// <summary>The label column's text per row, collected while a CSV or TSV file is converted;
        /// null without a label column.</summary>
        public IReadOnlyList<string>? Labels { get; }

        /// <summary>The header of a text file, or null.</summary>
        public IReadOnlyList<string>? Header { get; }

        /// <summary>The field separator of a text file.</summary>
        public char Delimiter { get; }

        /// <summary>The missing values read (in the rows kept).</summary>
        public long MissingCells { get; }

        /// <summary>The missing categories read (in the rows kept).</summary>
        public long MissingCategories { get; }

        /// <summary>The rows skipped for too many missing values.</summary>
        public long SkippedRows { get; }

        /// <summary>Whether a header given with --header yes looks like data.</summary>
        public bool HeaderLooksLikeData { get; }

        /// <summary>The encoder the rows were encoded with (categorical columns), or null.</summary>
        public FeatureEncoder? Encoder { get; }

        /// <summary>What the conversion read, for <see cref="Notices"/>.</summary>
        public CsvData Counts => new(new DataMatrix(ReadOnlySpan<float>.Empty, 0, 1), Labels)
        {
            Header = Header,
            Delimiter = Delimiter,
            MissingCells = MissingCells,
            SkippedRows = SkippedRows,
            MissingCategories = MissingCategories,
            HeaderLooksLikeData = HeaderLooksLikeData,
        };

        /// <summary>Opens <paramref name="path"/>; <paramref name="converting"/> is told before a text
        /// or Parquet file is converted (it reads the whole file once).</summary>
        /// <remarks>With <paramref name="categorical"/> columns (not for a .npy file), the file is read
        /// twice: a first pass collects each column's categories over the whole file and
        /// <paramref name="encoderFor"/> makes the encoder from the numeric columns' names and them;
        /// the conversion then encodes each chunk as it is read, so the temporary file holds the
        /// map's features.</remarks>
        /// <exception cref="UsageException">The file is missing or of an unknown kind, or a CSV option
        /// is given for a .npy file.</exception>
        public static async Task<Streamed> OpenAsync(
            string path, string flag, int rowsPerChunk, IReadOnlyList<string>? columns, string? labelColumn, DataReading reading, Action<string>? converting, CancellationToken cancellationToken,
            IReadOnlyList<string>? categorical = null, Func<IReadOnlyList<string>, IReadOnlyDictionary<string, IReadOnlyList<string>>, FeatureEncoder?>? encoderFor = null)
        {
            categorical = categorical is { Count: > 0 } ? categorical : null;
            Func<IAsyncEnumerable<CsvData>> chunks;
            if (IsParquet(path))
            {
                var options = ParquetOptions(path, flag, columns, labelColumn, reading, categorical);
                chunks = () => ParquetDataReader.ReadRowGroupsAsync(path, options, cancellationToken);
            }
            else if (TextOptions(path, flag, columns, labelColumn, reading, categorical) is { } options)
            {
                chunks = () => CsvDataReader.ReadChunks(path, options, rowsPerChunk).ToAsyncEnumerable();
            }
            else
            {
                var source = DataSource.FromNpy(path, rowsPerChunk);
                if (reading.Missing == MissingValuePolicy.Error)
                {
                    try
                    {
                        long first = 0;
                        foreach (var chunk in source.Chunks())
                        {
                            RefuseMissing(path, chunk, first);
                            first += chunk.Rows;
                        }
                    }
                    catch
                    {
                        source.Dispose();
                        throw;
                    }
                }

                if (NpyNames(path, source.Columns) is not { } named)
                {
                    return new Streamed(source, null, null, null);
                }

                source.Dispose();
                return new Streamed(DataSource.FromNpy(path, rowsPerChunk, named), null, null, null);
            }

            var encoder = categorical is null || encoderFor is null ? null : await FitEncoderAsync(chunks(), categorical, reading, path, encoderFor).ConfigureAwait(false);
            var temporary = Path.Combine(Path.GetTempPath(), $"kohonen-stream-{Guid.NewGuid():N}.npy");
            converting?.Invoke(temporary);
            IReadOnlyList<string>? names = null;
            var labels = labelColumn is null ? null : new List<string>();
            long missing = 0, skipped = 0, missingCategories = 0;
            IReadOnlyList<string>? header = null;
            var delimiter = ',';
            var looksLikeData = false;
            try
            {
                using var writer = NpyChunkWriter.Create(temporary);
                await foreach (var chunk in chunks().ConfigureAwait(false))
                {
                    var rows = chunk.Data;
                    if (encoder is not null)
                    {
                        var text = CategoryText.Of(chunk, categorical!, reading, path);
                        missingCategories += CategoryText.CountMissing(text);
                        rows = encoder.Encode(chunk.Data, text);
                    }

                    names ??= rows.ColumnNames;
                    header ??= chunk.Header;
                    delimiter = chunk.Delimiter;
                    looksLikeData |= chunk.HeaderLooksLikeData;
                    labels?.AddRange(chunk.Labels!);
                    missing += chunk.MissingCells;
                    skipped += chunk.SkippedRows;
                    writer.Write(rows);
                }

                writer.Complete();
                var counts = new CsvData(new DataMatrix(ReadOnlySpan<float>.Empty, 0, 1), null)
                {
                    Header = header,
                    Delimiter = delimiter,
                    MissingCells = missing,
                    SkippedRows = skipped,
                    MissingCategories = missingCategories,
                    HeaderLooksLikeData = looksLikeData,
                };
                return new Streamed(DataSource.FromNpy(temporary, rowsPerChunk, names), temporary, labels, counts, encoder);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        }

        /// <summary>The first pass of a file with categorical columns: each column's categories over
        /// every chunk (as <see cref="CategoryText.Of"/> reads them), then the encoder.</summary>
        private static async Task<FeatureEncoder?> FitEncoderAsync(
            IAsyncEnumerable<CsvData> chunks, IReadOnlyList<string> categorical, DataReading reading, string path, Func<IReadOnlyList<string>, IReadOnlyDictionary<string, IReadOnlyList<string>>, FeatureEncoder?> encoderFor)
        {
            IReadOnlyList<string>? numeric = null;
            var seen = new List<(string Name, SortedSet<string> Categories)>();
            await foreach (var chunk in chunks.ConfigureAwait(false))
            {
                numeric ??= chunk.Data.ColumnNames;
                foreach (var (name, cells) in CategoryText.Of(chunk, categorical, reading, path))
                {
                    var at = seen.FindIndex(s => s.Name == name);
                    if (at < 0)
                    {
                        seen.Add((name, new SortedSet<string>(StringComparer.Ordinal)));
                        at = seen.Count - 1;
                    }

                    seen[at].Categories.UnionWith(cells.Where(c => !string.IsNullOrEmpty(c)).Select(c => c!));
                }
            }

            var categories = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var (name, set) in seen)
            {
                categories[name] = [.. set];
            }

            return encoderFor(numeric ?? [], categories);
        }

        public void Dispose()
        {
            Source.Dispose();
            if (_temporary is not null)
            {
                File.Delete(_temporary);
            }
        }
    }

    /// <summary>The field separator of a delimited text file by its extension (tab for .tsv, comma for
    /// .csv and .txt), or null when the file is not one.</summary>
    public static char? CsvDelimiter(string path) => TrainingDataFile.CsvDelimiter(path);

    /// <summary>
    /// The shard files of a folder, in the order of their names (ordinal): the files directly in it
    /// with a data file's extension (.npy, .csv, .tsv, .txt or .parquet), all of one kind; names
    /// starting with '.' are passed over.
    /// </summary>
    /// <exception cref="UsageException">The folder holds no data file, or data files of several kinds.</exception>
    public static string[] Shards(string folder)
    {
        string[] shards = [.. Directory.EnumerateFiles(folder)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && (TrainingDataFile.IsNpy(f) || IsParquet(f) || CsvDelimiter(f) is not null))
            .Order(StringComparer.Ordinal)];
        if (shards.Length == 0)
        {
            throw new UsageException($"--data: the folder '{folder}' holds no data file ({Allowed}) to take as shards.");
        }

        var kinds = shards.Select(f => Path.GetExtension(f).ToLowerInvariant()).Distinct().ToArray();
        return kinds.Length == 1
            ? shards
            : throw new UsageException($"--data: the folder '{folder}' mixes data files of several kinds ({string.Join(", ", kinds)}); shards must be of one kind.");
    }

    /// <summary>Splits "a,b c" style column lists: each value may hold several names separated by
    /// commas.</summary>
    public static IReadOnlyList<string>? Columns(string[]? values) =>
        values is null || values.Length == 0
            ? null
            : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
