using System.CommandLine;
using System.Globalization;

namespace Kohonen.Cli.Commands;

/// <summary>
/// The flags of every command that reads a table (--header, --delimiter, --missing, --max-missing):
/// one set, so that train, predict, plot, evaluate, segments and cluster read a file the same way.
/// </summary>
internal sealed class DataOptions
{
    public Option<string?> Header { get; } = new("--header")
    {
        Description = "Whether a CSV/TSV file's first row is a header: auto (the default: data when every feature cell is a number or missing, a header when none is a number, said on standard error; a row mixing both is refused), yes or no.",
        HelpName = "auto|yes|no",
    };

    public Option<string?> Delimiter { get; } = new("--delimiter")
    {
        Description = "The CSV field separator: ',', ';', tab (or \\t), or another single character (default: detected among ',', ';' and tab).",
    };

    public Option<string?> Missing { get; } = new("--missing")
    {
        Description = "Missing feature values (an empty cell, NA, NaN or null, any case; a Parquet null): allow (the default: read as missing) or error (refuse them, naming line and column).",
        HelpName = "allow|error",
    };

    public Option<double?> MaxMissing { get; } = new("--max-missing")
    {
        Description = "Skip (and count) rows with more than this share of their features missing, in [0, 1] (default 0.5; 1 skips none).",
    };

    public IEnumerable<Option> All => [Header, Delimiter, Missing, MaxMissing];

    /// <summary>Adds the flags to a command.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The values given, checked.</summary>
    /// <exception cref="UsageException">A value is not allowed.</exception>
    public DataReading From(ParseResult result)
    {
        bool? header = result.GetValue(Header)?.ToLowerInvariant() switch
        {
            null or "auto" => null,
            "yes" or "true" => true,
            "no" or "false" => false,
            var other => throw new UsageException($"--header: unknown value '{other}'; allowed: auto, yes, no."),
        };
        var missing = result.GetValue(Missing)?.ToLowerInvariant() switch
        {
            null or "allow" => MissingValuePolicy.Allow,
            "error" => MissingValuePolicy.Error,
            var other => throw new UsageException($"--missing: unknown value '{other}'; allowed: allow, error."),
        };
        var maxMissing = result.GetValue(MaxMissing) ?? CsvReadOptions.DefaultMaxMissing;
        if (maxMissing is not (>= 0 and <= 1))
        {
            throw new UsageException($"--max-missing must be in [0, 1]; got {maxMissing.ToString(CultureInfo.InvariantCulture)}.");
        }

        return new DataReading(header, ParseDelimiter(result.GetValue(Delimiter)), missing, maxMissing)
        {
            HeaderGiven = result.GetValue(Header) is not null,
            DelimiterGiven = result.GetValue(Delimiter) is not null,
        };
    }

    private static char? ParseDelimiter(string? text) => text switch
    {
        null => null,
        "tab" or "TAB" or "\\t" or "\t" => '\t',
        "comma" => ',',
        "semicolon" => ';',
        { Length: 1 } when text[0] is not ('"' or '\r' or '\n') && !char.IsLetterOrDigit(text[0]) && text[0] is not ('.' or '-' or '+') => text[0],
        _ => throw new UsageException($"--delimiter: '{text}' cannot separate fields; allowed: ',', ';', tab (or \\t), or another single character that is not a letter, digit, quote, '.', '-' or '+'."),
    };
}
