using System.Globalization;

namespace Kohonen.Cli.Commands;

/// <summary>How <c>predict</c> reads a table for a model with categorical columns: the numeric input
/// columns as numbers, the categorical ones as text, encoded by the model's encoder, with a warning for
/// every category the model did not learn (treated as missing).</summary>
internal static class PredictEncoding
{
    /// <summary>The most unseen categories the warning lists one by one.</summary>
    private const int Listed = 5;

    /// <summary>The model's categorical input columns, or null when it has none.</summary>
    public static IReadOnlyList<string>? CategoricalColumns(SomModel model) =>
        model.Encoder is { HasCategories: true } encoder ? [.. Columns(encoder, FeatureKind.Categorical)] : null;

    /// <summary>The model's numeric input columns when it has categorical ones (they are then not its
    /// feature names), else null.</summary>
    public static IReadOnlyList<string>? NumericColumns(SomModel model) =>
        model.Encoder is { HasCategories: true } encoder && Columns(encoder, FeatureKind.Numeric).Any() ? [.. Columns(encoder, FeatureKind.Numeric)] : null;

    /// <summary>
    /// A data file's rows in the model's features, with the label column's text and the id columns'
    /// (<paramref name="idColumns"/>) in <see cref="CsvData.TextColumns"/>: the chosen columns (else the
    /// model's numeric input columns when it has categorical ones, else its feature names when the file
    /// has them all), read as <paramref name="reading"/> says, the categorical ones read as text and
    /// encoded (<see cref="Encode"/>). Rows of a text file without a header keep no names
    /// (<see cref="DataFiles.ForModel"/>).
    /// </summary>
    public static async Task<CsvData> ReadTableAsync(SomModel model, string dataPath, IReadOnlyList<string>? columns, string? labelColumn, DataReading reading, IReadOnlyList<string> idColumns, CliConsole? console, CancellationToken cancellationToken)
    {
        var asRead = AsRead(model, reading);
        var text = TextColumns(model, idColumns, asRead);
        var chosen = columns ?? asRead(NumericColumns(model)) ?? await PredictCommand.ModelColumnsAsync(model, dataPath, reading, labelColumn is null ? text : [.. text, labelColumn], cancellationToken).ConfigureAwait(false);
        var table = await DataFiles.ReadAsync(dataPath, "--data", chosen, labelColumn, reading, text, cancellationToken).ConfigureAwait(false);
        return Encoded(model, dataPath, table, reading, console, asRead);
    }

    /// <summary>As <see cref="ReadTableAsync"/>, for a CSV, TSV or .npy file, without id columns.</summary>
    public static CsvData ReadTable(SomModel model, string dataPath, IReadOnlyList<string>? columns, string? labelColumn, DataReading reading, CliConsole? console)
    {
        var asRead = AsRead(model, reading);
        var text = TextColumns(model, [], asRead);
        var chosen = columns ?? asRead(NumericColumns(model)) ?? PredictCommand.ModelColumnsInHeader(model, dataPath, reading, labelColumn is null ? text : [.. text, labelColumn]);
        var table = DataFiles.Read(dataPath, "--data", chosen, labelColumn, reading, text);
        return Encoded(model, dataPath, table, reading, console, asRead);
    }

    /// <summary>
    /// How the model's input columns are asked of the file. A map trained on a file without a header
    /// names its columns x0, x1, … by position; when every input column is so named and the file is not
    /// said to have a header, they are asked for by their 0-based index, so the map reads its own file
    /// (and any file laid out like it) again. Otherwise by name.
    /// </summary>
    private static Func<IReadOnlyList<string>?, IReadOnlyList<string>?> AsRead(SomModel model, DataReading reading)
    {
        var names = model.Encoder?.Columns ?? model.FeatureNames;
        var positional = reading.Header != true && names.Count > 0 && names.All(n => PositionOf(n) is not null);
        return list => list is null || !positional ? list : [.. list.Select(n => PositionOf(n)?.ToString(CultureInfo.InvariantCulture) ?? n)];
    }

    /// <summary>I for a positional column name xI, else null.</summary>
    private static int? PositionOf(string name) =>
        name.Length > 1 && name[0] == 'x' && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

    /// <summary>The text columns to read: the id columns, then the model's categorical columns.</summary>
    private static List<string> TextColumns(SomModel model, IReadOnlyList<string> idColumns, Func<IReadOnlyList<string>?, IReadOnlyList<string>?> asRead) =>
        [.. idColumns, .. (asRead(CategoricalColumns(model)) ?? []).Where(c => !idColumns.Contains(c))];

    private static CsvData Encoded(SomModel model, string dataPath, CsvData table, DataReading reading, CliConsole? console, Func<IReadOnlyList<string>?, IReadOnlyList<string>?> asRead)
    {
        var data = EncodeCounting(model, table with { Data = DataFiles.ForModel(dataPath, table) }, reading, dataPath, console, out var missing, asRead(CategoricalColumns(model)));
        return table with { Data = data, MissingCategories = missing };
    }

    /// <summary>The table's rows in the model's features; an unseen category is a missing value, said
    /// on standard error (when a console is given).</summary>
    /// <exception cref="UsageException">The table's columns do not fit the model's encoder.</exception>
    /// <remarks><paramref name="categoricalAsRead"/>: the categorical columns as they were asked of the
    /// file (by index for a file without a header); null: by the model's names.</remarks>
    public static DataMatrix Encode(SomModel model, CsvData table, DataReading reading, string source, CliConsole? console, IReadOnlyList<string>? categoricalAsRead = null) =>
        EncodeCounting(model, table, reading, source, console, out _, categoricalAsRead);

    /// <summary>As <see cref="Encode"/>; <paramref name="missingCategories"/> counts the missing
    /// categories (an unseen one is not counted: it is warned of).</summary>
    public static DataMatrix EncodeCounting(SomModel model, CsvData table, DataReading reading, string source, CliConsole? console, out long missingCategories, IReadOnlyList<string>? categoricalAsRead = null)
    {
        missingCategories = 0;
        if (model.Encoder is not { HasCategories: true })
        {
            return table.Data;
        }

        var unseen = new List<UnseenCategory>();
        DataMatrix rows;
        try
        {
            var text = CategoryText.Of(table, categoricalAsRead ?? CategoricalColumns(model) ?? [], reading, source);
            missingCategories = CategoryText.CountMissing(text);
            rows = model.Encode(table.Data, text, unseen);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--data: {e.Message.Split(" (Parameter", 2)[0]} Choose the numeric columns with --columns.");
        }

        if (unseen.Count > 0 && console is not null)
        {
            var listed = string.Join(", ", unseen.Take(Listed).Select(u => $"row {(table.RowNumbers is { } numbers ? numbers[u.Row] : u.Row + 1)} {u.Column} = '{u.Value}'"));
            console.Error.WriteLine(
                $"warning: {unseen.Count} cell(s) hold a category the model did not learn, treated as missing: {listed}{(unseen.Count > Listed ? ", …" : "")}.");
        }

        return rows;
    }

    private static IEnumerable<string> Columns(FeatureEncoder encoder, FeatureKind kind) =>
        encoder.Columns.Where((_, i) => encoder.Kinds[i] == kind);
}
