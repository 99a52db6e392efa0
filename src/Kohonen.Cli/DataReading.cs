namespace Kohonen.Cli;

/// <summary>How a command reads a table: the values of <c>--header</c>, <c>--delimiter</c>,
/// <c>--missing</c> and <c>--max-missing</c>.</summary>
/// <param name="Header">True or false when given; null to decide from the first row.</param>
/// <param name="Delimiter">The separator when given; null to detect it.</param>
/// <param name="Missing">What missing values do.</param>
/// <param name="MaxMissing">The largest share of a row's features that may be missing.</param>
internal sealed record DataReading(bool? Header, char? Delimiter, MissingValuePolicy Missing, double MaxMissing)
{
    /// <summary>The defaults: header decided, delimiter detected, missing values allowed, rows with
    /// more than half of their features missing skipped.</summary>
    public static DataReading Default { get; } = new(null, null, MissingValuePolicy.Allow, CsvReadOptions.DefaultMaxMissing);

    /// <summary>Whether --header was given (it applies to text files only).</summary>
    public bool HeaderGiven { get; init; }

    /// <summary>Whether --delimiter was given (it applies to text files only).</summary>
    public bool DelimiterGiven { get; init; }

    /// <summary>Whether an empty label cell is an unlabelled row rather than an error (see
    /// <see cref="CsvReadOptions.AllowEmptyLabels"/>).</summary>
    public bool EmptyLabels { get; init; }

    /// <summary>The CSV options with these settings.</summary>
    public CsvReadOptions Csv(IReadOnlyList<string>? columns = null, string? labelColumn = null, IReadOnlyList<string>? textColumns = null) => new()
    {
        Columns = columns is { Count: > 0 } ? columns : null,
        LabelColumn = labelColumn,
        TextColumns = textColumns is { Count: > 0 } ? textColumns : null,
        HasHeader = Header,
        Delimiter = Delimiter,
        Missing = Missing,
        MaxMissing = MaxMissing,
        AllowEmptyLabels = EmptyLabels,
    };
}
