using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>Reads the data files the commands take: CSV (.csv, .txt), TSV (.tsv) or NumPy (.npy).</summary>
internal static class DataFiles
{
    public const string Allowed = TrainingDataFile.Allowed;

    /// <summary>Reads a data file; <paramref name="flag"/> names the flag in messages.</summary>
    /// <exception cref="UsageException">The file is missing or of an unknown kind, or a CSV option
    /// is given for a .npy file.</exception>
    public static CsvData Read(string path, string flag, IReadOnlyList<string>? columns, string? labelColumn, IReadOnlyList<string>? textColumns = null) =>
        TrainingDataFile.Read(path, TextOptions(path, flag, columns, labelColumn, textColumns));

    /// <summary>
    /// Checks that the file exists and is of a kind the commands read: the CSV options for a
    /// delimited text file, null for a .npy file (which takes no CSV options).
    /// </summary>
    /// <exception cref="UsageException">The file is missing or of an unknown kind, or a CSV option
    /// is given for a .npy file.</exception>
    private static CsvReadOptions? TextOptions(string path, string flag, IReadOnlyList<string>? columns, string? labelColumn, IReadOnlyList<string>? textColumns = null)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{flag}: the file '{path}' does not exist.");
        }

        if (CsvDelimiter(path) is { } delimiter)
        {
            return new CsvReadOptions { Columns = columns is { Count: > 0 } ? columns : null, LabelColumn = labelColumn, Delimiter = delimiter, TextColumns = textColumns };
        }

        if (!TrainingDataFile.IsNpy(path))
        {
            throw new UsageException($"{flag}: '{path}' has an unknown extension '{Path.GetExtension(path).ToLowerInvariant()}'; allowed: {Allowed}.");
        }

        if (columns is { Count: > 0 } || labelColumn is not null)
        {
            throw new UsageException($"--columns and --label-column apply to CSV files; '{path}' is a .npy array (all columns are features).");
        }

        if (textColumns is not null)
        {
            throw new UsageException($"--categorical applies to CSV and TSV files; '{path}' is a .npy array (all columns are numbers).");
        }

        return null;
    }

    /// <summary>
    /// A data file opened to be read a chunk of rows at a time (<c>--batch-size</c>): a .npy file as it
    /// is; a CSV or TSV file converted first, chunk by chunk, into a temporary float32 .npy file
    /// (deleted on dispose), so that memory stays bounded by the chunk however large the file is, and
    /// every epoch reads binary rows instead of parsing text again. The label column's text, when one
    /// is named, is collected during the conversion (one string per row, held in memory).
    /// </summary>
    public sealed class Streamed : IDisposable
    {
        private readonly string? _temporary;

        private Streamed(DataSource source, string? temporary, IReadOnlyList<string>? labels)
        {
            Source = source;
            _temporary = temporary;
            Labels = labels;
        }

        public DataSource Source { get; }

        /// <summary>The label column's text per row, collected while a CSV or TSV file is converted;
        /// null without a label column.</summary>
        public IReadOnlyList<string>? Labels { get; }

        /// <summary>Opens <paramref name="path"/>; <paramref name="converting"/> is told before a text
        /// file is converted (it reads the whole file once).</summary>
        /// <exception cref="UsageException">The file is missing or of an unknown kind, or a CSV option
        /// is given for a .npy file.</exception>
        public static Streamed Open(string path, string flag, int rowsPerChunk, IReadOnlyList<string>? columns, string? labelColumn, Action<string>? converting)
        {
            if (TextOptions(path, flag, columns, labelColumn) is not { } options)
            {
                return new Streamed(DataSource.FromNpy(path, rowsPerChunk), null, null);
            }

            var temporary = Path.Combine(Path.GetTempPath(), $"kohonen-stream-{Guid.NewGuid():N}.npy");
            converting?.Invoke(temporary);
            IReadOnlyList<string>? names = null;
            var labels = labelColumn is null ? null : new List<string>();
            try
            {
                NpyFile.WriteChunks(temporary, CsvDataReader.ReadChunks(path, options, rowsPerChunk).Select(chunk =>
                {
                    names ??= chunk.Data.ColumnNames;
                    labels?.AddRange(chunk.Labels!);
                    return chunk.Data;
                }));
                return new Streamed(DataSource.FromNpy(temporary, rowsPerChunk, names), temporary, labels);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
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

    /// <summary>Splits "a,b c" style column lists: each value may hold several names separated by
    /// commas.</summary>
    public static IReadOnlyList<string>? Columns(string[]? values) =>
        values is null || values.Length == 0
            ? null
            : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
