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
    /// A data file's rows in the model's features, with the label column's text: the chosen columns
    /// (else the model's input columns, else its feature names when the header has them all), the
    /// categorical ones read as text and encoded (<see cref="Encode"/>).
    /// </summary>
    public static CsvData ReadTable(SomModel model, string dataPath, IReadOnlyList<string>? columns, string? labelColumn, CliConsole? console)
    {
        var chosen = columns ?? NumericColumns(model) ?? PredictCommand.ModelColumnsInHeader(model, dataPath);
        var table = DataFiles.Read(dataPath, "--data", chosen, labelColumn, CategoricalColumns(model));
        return table with { Data = Encode(model, table, console), Text = null };
    }

    /// <summary>The table's rows in the model's features; unseen categories are said on standard
    /// error (when a console is given).</summary>
    /// <exception cref="UsageException">The table's columns do not fit the model's encoder.</exception>
    public static DataMatrix Encode(SomModel model, CsvData table, CliConsole? console)
    {
        if (model.Encoder is not { HasCategories: true })
        {
            return table.Data;
        }

        var unseen = new List<UnseenCategory>();
        DataMatrix rows;
        try
        {
            rows = model.Encode(table.Data, table.Text, unseen);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--data: {e.Message.Split(" (Parameter", 2)[0]} Choose the numeric columns with --columns.");
        }

        if (unseen.Count > 0 && console is not null)
        {
            var listed = string.Join(", ", unseen.Take(Listed).Select(u => $"row {u.Row + 1} {u.Column} = '{u.Value}'"));
            console.Error.WriteLine(
                $"warning: {unseen.Count} cell(s) hold a category the model did not learn, treated as missing: {listed}{(unseen.Count > Listed ? ", …" : "")}.");
        }

        return rows;
    }

    private static IEnumerable<string> Columns(FeatureEncoder encoder, FeatureKind kind) =>
        encoder.Columns.Where((_, i) => encoder.Kinds[i] == kind);
}
