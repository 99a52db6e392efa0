using System.Text.Json.Serialization;
using Kohonen.Tracking;

namespace Kohonen.Cli;

/// <summary>How <c>kohonen train --json</c> read its data file: <see cref="Header"/> the header row
/// (null when the first row was data), <see cref="HeaderDetected"/> true when that was decided from the
/// file rather than given with --header, <see cref="Delimiter"/> the field separator of a text file,
/// <see cref="MissingCells"/> the missing values in the rows kept (numeric and categorical) and
/// <see cref="SkippedRows"/> the rows skipped for having more than --max-missing of their features
/// missing.</summary>
internal sealed record DataSummary(string File, IReadOnlyList<string>? Header, bool HeaderDetected, string? Delimiter, long MissingCells, long SkippedRows)
{
    /// <summary>The missing categories among <see cref="MissingCells"/>.</summary>
    public long MissingCategoricalCells { get; init; }

    /// <summary>True when --header yes took a first row that looks like data (numbers in every feature
    /// column) as the header.</summary>
    public bool HeaderLooksLikeData { get; init; }

    /// <summary>The rows whose label cell is empty (they train the map but give no vote to the node
    /// labels); null without --label-column.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? UnlabelledRows { get; init; }

    public static DataSummary Of(string path, CsvData table, DataReading reading)
    {
        var text = TrainingDataFile.CsvDelimiter(path) is not null;
        return new DataSummary(
            Path.GetFullPath(path),
            table.Header,
            text && reading.Header is null && table.Header is not null,
            text ? (table.Delimiter == '\t' ? "tab" : table.Delimiter.ToString()) : null,
            table.MissingCells + table.MissingCategories,
            table.SkippedRows)
        {
            MissingCategoricalCells = table.MissingCategories,
            HeaderLooksLikeData = table.HeaderLooksLikeData,
            UnlabelledRows = reading.EmptyLabels ? DataFiles.Unlabelled(table.Labels) : null,
        };
    }
}
