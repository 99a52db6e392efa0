using Kohonen.Data;

namespace Kohonen.Cli;

/// <summary>Reads the data files the commands take: CSV (.csv, .txt), TSV (.tsv) or NumPy (.npy).</summary>
internal static class DataFiles
{
    public const string Allowed = ".csv, .tsv, .txt, .npy";

    /// <summary>Reads a data file; <paramref name="flag"/> names the flag in messages.</summary>
    /// <exception cref="UsageException">The file is missing or of an unknown kind, or a CSV option
    /// is given for a .npy file.</exception>
    public static CsvData Read(string path, string flag, IReadOnlyList<string>? columns, string? labelColumn)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{flag}: the file '{path}' does not exist.");
        }

        if (CsvDelimiter(path) is { } delimiter)
        {
            return CsvDataReader.Read(path, new CsvReadOptions
            {
                Columns = columns is { Count: > 0 } ? columns : null,
                LabelColumn = labelColumn,
                Delimiter = delimiter,
            });
        }

        if (Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (columns is { Count: > 0 } || labelColumn is not null)
            {
                throw new UsageException($"--columns and --label-column apply to CSV files; '{path}' is a .npy array (all columns are features).");
            }

            return new CsvData(NpyFile.Read(path), null);
        }

        throw new UsageException($"{flag}: '{path}' has an unknown extension '{Path.GetExtension(path).ToLowerInvariant()}'; allowed: {Allowed}.");
    }

    /// <summary>The field separator of a delimited text file by its extension (tab for .tsv, comma for
    /// .csv and .txt), or null when the file is not one.</summary>
    public static char? CsvDelimiter(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".tsv" => '\t',
        ".csv" or ".txt" => ',',
        _ => null,
    };

    /// <summary>Splits "a,b c" style column lists: each value may hold several names separated by
    /// commas.</summary>
    public static IReadOnlyList<string>? Columns(string[]? values) =>
        values is null || values.Length == 0
            ? null
            : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
