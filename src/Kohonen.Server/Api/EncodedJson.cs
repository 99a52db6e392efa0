using System.Text.Json;

namespace Kohonen.Server.Api;

/// <summary>
/// Prediction requests for a model with categorical columns (<see cref="SomModel.Encoder"/>): a row is
/// given in the model's input columns, not its one-hot features, either as an array in the columns'
/// order (<c>{"data": [1.2, "red", 0.5]}</c>) or as an object by column name (<c>{"data": {"length":
/// 1.2, "colour": "red", "width": 0.5}}</c>); a numeric column takes a number, a categorical one a
/// string, and either takes null (missing). /predict-batch takes an array of such rows. A category the
/// model did not learn is treated as missing and named in the answer's <c>unseen_categories</c>.
/// </summary>
internal static class EncodedJson
{
    /// <summary>The answer's JSON (one BMU, or a batch's), or null and the reason for a 400.</summary>
    public static (ReadOnlyMemory<byte>? Json, string? Problem) Predict(ReadOnlySpan<byte> json, SomModel model, FeatureEncoder encoder, bool batch, int maxRows)
    {
        if (Read(json, encoder, batch, maxRows, out var values, out var rows, out var unseen) is { } problem)
        {
            return (null, problem);
        }

        for (var r = 0; r < rows; r++)
        {
            if (AllMissing(values.AsSpan(r * encoder.Dimension, encoder.Dimension)))
            {
                var why = unseen.Count > 0 ? $" (a category the model did not learn, {string.Join(", ", unseen.Select(u => $"'{u.Value}' in '{u.Column}'"))}, is treated as missing)" : "";
                return (null, $"{(batch ? $"data[{r}]" : "\"data\"")} has every value missing (null); a BMU needs at least one value{why}.");
            }
        }

        Bmu[] bmus;
        try
        {
            bmus = model.FindBmus(new DataMatrix(values.AsSpan(0, rows * encoder.Dimension), rows, encoder.Dimension, model.FeatureNames));
        }
        catch (ArgumentException e)
        {
            var why = unseen.Count > 0 ? $" (a category the model did not learn, {string.Join(", ", unseen.Select(u => $"'{u.Value}' in '{u.Column}'"))}, is treated as missing)" : "";
            return (null, $"{e.Message.Split(" (Parameter", 2)[0]}{why}");
        }

        return batch ? (VectorJson.WriteBatch(bmus, model, unseen), null) : (VectorJson.WriteBmu(bmus[0], model, unseen), null);
    }

    private static bool AllMissing(ReadOnlySpan<float> row)
    {
        foreach (var v in row)
        {
            if (!float.IsNaN(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads one row (<paramref name="batch"/> false) or an array of rows into encoded
    /// features; null when fine, else the reason for a 400.</summary>
    public static string? Read(ReadOnlySpan<byte> json, FeatureEncoder encoder, bool batch, int maxRows, out float[] values, out int rows, out List<UnseenCategory> unseen)
    {
        values = [];
        rows = 0;
        unseen = [];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            return $"The body is not valid JSON: {e.Message}";
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data))
            {
                return $"The body must be a JSON object with a \"data\" {(batch ? "array of rows" : "row")}, such as {Example(encoder, batch)}.";
            }

            JsonElement[] items;
            if (batch)
            {
                if (data.ValueKind != JsonValueKind.Array)
                {
                    return $"\"data\" must be an array of rows, such as {Example(encoder, batch: true)}.";
                }

                items = [.. data.EnumerateArray()];
                if (items.Length == 0)
                {
                    return "\"data\" is empty; give at least one row.";
                }

                if (items.Length > maxRows)
                {
                    return $"\"data\" has more than {maxRows} vectors, the most one request may hold.";
                }
            }
            else
            {
                items = [data];
            }

            var result = new float[(long)items.Length * encoder.Dimension];
            for (var r = 0; r < items.Length; r++)
            {
                var where = batch ? $"data[{r}]" : "data";
                if (ReadRow(items[r], encoder, where, out var numbers, out var text) is { } problem)
                {
                    return problem;
                }

                var found = new List<UnseenCategory>();
                encoder.EncodeRow(numbers, text, found).CopyTo(result.AsSpan(r * encoder.Dimension, encoder.Dimension));
                unseen.AddRange(found.Select(u => u with { Row = r }));
            }

            values = result;
            rows = items.Length;
            return null;
        }
    }

    private static string? ReadRow(JsonElement row, FeatureEncoder encoder, string where, out double[] numbers, out string?[] text)
    {
        var count = encoder.Columns.Count;
        numbers = new double[count];
        text = new string?[count];
        var cells = new JsonElement?[count];
        if (row.ValueKind == JsonValueKind.Array)
        {
            var given = row.GetArrayLength();
            if (given != count)
            {
                return $"{where} has {given} value{(given == 1 ? "" : "s")}; the model expects {count} ({Columns(encoder)}).";
            }

            var i = 0;
            foreach (var cell in row.EnumerateArray())
            {
                cells[i++] = cell;
            }
        }
        else if (row.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in row.EnumerateObject())
            {
                var at = IndexOf(encoder.Columns, property.Name);
                if (at < 0)
                {
                    return $"{where} has '{property.Name}', not an input column of the model ({Columns(encoder)}).";
                }

                cells[at] = property.Value;
            }

            var absent = encoder.Columns.Where((_, c) => cells[c] is null).ToList();
            if (absent.Count > 0)
            {
                return $"{where} lacks {string.Join(", ", absent.Select(a => $"'{a}'"))}; give each input column (null when missing).";
            }
        }
        else
        {
            return $"{where} must be an array in the model's input columns' order or an object by column name ({Columns(encoder)}).";
        }

        for (var c = 0; c < count; c++)
        {
            var cell = cells[c]!.Value;
            var name = $"{where}{(row.ValueKind == JsonValueKind.Array ? $"[{c}]" : $".{encoder.Columns[c]}")}";
            if (encoder.Kinds[c] == FeatureKind.Categorical)
            {
                if (cell.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    return $"{name} ('{encoder.Columns[c]}') is a category: give it as a string (one of {string.Join(", ", encoder.Categories[c].Select(k => $"\"{k}\""))}) or null.";
                }

                text[c] = cell.ValueKind == JsonValueKind.String ? cell.GetString() : null;
            }
            else if (cell.ValueKind == JsonValueKind.Null)
            {
                numbers[c] = double.NaN;
            }
            else if (cell.ValueKind != JsonValueKind.Number || !cell.TryGetSingle(out var value) || !float.IsFinite(value))
            {
                return $"{name} ('{encoder.Columns[c]}') is not a finite number.";
            }
            else
            {
                numbers[c] = value;
            }
        }

        return null;
    }

    private static string Columns(FeatureEncoder encoder) =>
        string.Join(", ", encoder.Columns.Select((c, i) => encoder.Kinds[i] == FeatureKind.Categorical ? $"{c}: a category" : c));

    private static string Example(FeatureEncoder encoder, bool batch)
    {
        var row = "[" + string.Join(", ", encoder.Columns.Select((_, i) => encoder.Kinds[i] == FeatureKind.Categorical ? $"\"{encoder.Categories[i][0]}\"" : "0.5")) + "]";
        return batch ? $"{{\"data\": [{row}]}}" : $"{{\"data\": {row}}}";
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
