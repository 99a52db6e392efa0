using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>How <c>kohonen train --json</c> read its data file: <see cref="Header"/> the header row
/// (null when the first row was data), <see cref="HeaderDetected"/> true when that was decided from the
/// file rather than given with --header, <see cref="Delimiter"/> the field separator of a text file,
/// <see cref="MissingCells"/> the missing values in the rows kept and <see cref="SkippedRows"/> the rows
/// skipped for having more than --max-missing of their features missing.</summary>
internal sealed record DataSummary(string File, IReadOnlyList<string>? Header, bool HeaderDetected, string? Delimiter, long MissingCells, long SkippedRows)
{
    public static DataSummary Of(string path, CsvData table, DataReading reading)
    {
        var text = TrainingDataFile.CsvDelimiter(path) is not null;
        return new DataSummary(
            Path.GetFullPath(path),
            table.Header,
            text && reading.Header is null && table.Header is not null,
            text ? (table.Delimiter == '\t' ? "tab" : table.Delimiter.ToString()) : null,
            table.MissingCells,
            table.SkippedRows);
    }
}
