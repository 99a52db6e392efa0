using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>The <see cref="DataReference"/> of a data file a command was given: the runs a model is
/// chosen among are those trained on it, else those whose features it has.</summary>
internal static class DataReferences
{
    /// <summary>The file's fingerprint and columns: <paramref name="columns"/> when given, else a CSV
    /// file's header (or its number of fields when it has none), a Parquet file's column names, or a
    /// .npy file's columns.</summary>
    /// <exception cref="UsageException">The file is missing or of an unknown kind.</exception>
    public static async Task<DataReference> OfAsync(string path, string flag, IReadOnlyList<string>? columns, CancellationToken cancellationToken, DataReading? reading = null)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{flag}: the file '{path}' does not exist.");
        }

        var fingerprint = await DataReference.FingerprintAsync(path, cancellationToken).ConfigureAwait(false);
        var name = Path.GetFileName(path);
        if (columns is { Count: > 0 })
        {
            return new DataReference(name, fingerprint, columns, columns.Count);
        }

        if (DataFiles.CsvDelimiter(path) is not null)
        {
            // The header names the columns, text ones (labels, categories) among them; without one the
            // first row is enough to know the number of columns.
            var options = (reading ?? DataReading.Default).Csv() with { MaxMissing = 1 };
            if (CsvDataReader.ReadHeader(path, options) is { } header)
            {
                return new DataReference(name, fingerprint, header, header.Count);
            }

            var table = CsvDataReader.ReadChunks(path, options, 1).First();
            return new DataReference(name, fingerprint, null, table.Data.Columns);
        }

        if (DataFiles.IsParquet(path))
        {
            var names = await ParquetDataReader.ReadColumnNamesAsync(path, cancellationToken).ConfigureAwait(false);
            return new DataReference(name, fingerprint, names, names.Count);
        }

        if (!TrainingDataFile.IsNpy(path))
        {
            throw new UsageException($"{flag}: '{path}' has an unknown extension '{Path.GetExtension(path).ToLowerInvariant()}'; allowed: {DataFiles.Allowed}.");
        }

        using var reader = DataSource.FromNpy(path, rowsPerChunk: 1);
        return new DataReference(name, fingerprint, DataFiles.NpyNames(path, reader.Columns) ?? reader.ColumnNames, reader.Columns);
    }
}
