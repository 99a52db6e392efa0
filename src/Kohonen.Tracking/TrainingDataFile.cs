namespace Kohonen.Tracking;

/// <summary>
/// The kinds of data file a training reads, told apart by extension, one rule for the command line
/// and the service: comma-separated text (<c>.csv</c>, <c>.txt</c>), tab-separated text (<c>.tsv</c>)
/// and NumPy arrays (<c>.npy</c>, every column a feature).
/// </summary>
public static class TrainingDataFile
{
    /// <summary>The extensions read, for messages.</summary>
    public const string Allowed = ".csv, .tsv, .txt, .npy";

    /// <summary>The field separator of a delimited text file by its extension (tab for <c>.tsv</c>,
    /// comma for <c>.csv</c> and <c>.txt</c>, in any case), or null when the file is not one.</summary>
    public static char? CsvDelimiter(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".tsv" => '\t',
        ".csv" or ".txt" => ',',
        _ => null,
    };

    /// <summary>Whether the file is a NumPy array by its extension (<c>.npy</c>, in any case).</summary>
    public static bool IsNpy(string path) => Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The full path of <paramref name="relative"/> inside <paramref name="folder"/> (a service's
    /// training-data folder), with every symbolic link resolved, or null when it is not an existing
    /// regular file there: an absolute path, one that climbs out with <c>..</c>, and one whose resolved
    /// target (through a linked file or folder anywhere along it) lies outside the resolved folder are
    /// all refused.
    /// </summary>
    public static string? ResolveInside(string folder, string relative) => SafeFile.ResolveInside(folder, relative);

    /// <summary>Whether the file's extension is one of <see cref="Allowed"/>.</summary>
    public static bool IsKnown(string path) => CsvDelimiter(path) is not null || IsNpy(path);

    /// <summary>Reads a whole file: a delimited text file read as <paramref name="csv"/> says (its
    /// delimiter, when not given, detected among ',', ';' and tab), or a <c>.npy</c> array.</summary>
    /// <exception cref="ArgumentException">The extension is not one of <see cref="Allowed"/>.</exception>
    /// <exception cref="DataFormatException">The file is not valid data.</exception>
    public static CsvData Read(string path, CsvReadOptions? csv = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (CsvDelimiter(path) is not null)
        {
            return CsvDataReader.Read(path, csv ?? new CsvReadOptions());
        }

        return IsNpy(path)
            ? new CsvData(NpyFile.Read(path), null)
            : throw new ArgumentException($"'{Path.GetFileName(path)}' has an unknown extension '{Path.GetExtension(path).ToLowerInvariant()}'; allowed: {Allowed}.", nameof(path));
    }
}
