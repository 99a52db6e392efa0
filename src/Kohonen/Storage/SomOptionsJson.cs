using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Kohonen;

/// <summary>The training options as a JSON object with snake_case keys and kebab-case enum names,
/// as stored in a model file's metadata.</summary>
internal static class SomOptionsJson
{
    public static string Write(SomOptions o)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("width", o.Width);
            w.WriteNumber("height", o.Height);
            w.WriteString("topology", OptionText.ToText(o.Topology));
            w.WriteBoolean("toroidal", o.Toroidal);
            w.WriteString("algorithm", OptionText.ToText(o.Algorithm));
            w.WriteNumber("iterations", o.Iterations);
            w.WriteString("neighborhood", OptionText.ToText(o.Neighborhood));
            w.WriteNumber("learning_rate", o.LearningRate);
            if (o.Sigma is { } sigma)
            {
                w.WriteNumber("sigma", sigma);
            }
            else
            {
                w.WriteNull("sigma");
            }

            w.WriteString("learning_rate_decay", OptionText.ToText(o.LearningRateDecay));
            w.WriteString("sigma_decay", OptionText.ToText(o.SigmaDecay));
            w.WriteString("initialization", OptionText.ToText(o.Initialization));
            w.WriteString("scaling", OptionText.ToText(o.Scaling));
            w.WriteBoolean("shuffle", o.Shuffle);
            w.WriteBoolean("exact_neighborhood", o.ExactNeighborhood);
            WriteNullable(w, "seed", o.Seed);
            // How many threads trained a map is not part of it (any count gives the same map): always
            // null, so a file's bytes do not depend on --threads. The key keeps the files' shape.
            w.WriteNull("max_degree_of_parallelism");
            w.WriteNumber("metrics_every", o.MetricsEvery);
            // Written only when set, so files trained without them keep their bytes.
            if (o.SigmaEnd is { } sigmaEnd)
            {
                w.WriteNumber("sigma_end", sigmaEnd);
            }

            if (o.LearningRateEnd is { } learningRateEnd)
            {
                w.WriteNumber("learning_rate_end", learningRateEnd);
            }

            if (o.Distance != DistanceMetric.Euclidean)
            {
                w.WriteString("distance", OptionText.ToText(o.Distance));
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads options; missing keys keep their defaults, unknown names are errors.</summary>
    /// <exception cref="FormatException">A value has the wrong type or an unknown name.</exception>
    /// <exception cref="SomOptionsException">A value is out of range.</exception>
    public static SomOptions Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var o = new SomOptions();
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            o = p.Name switch
            {
                "width" => o with { Width = v.GetInt32() },
                "height" => o with { Height = v.GetInt32() },
                "topology" => o with { Topology = Name<Topology>(v, p.Name) },
                "toroidal" => o with { Toroidal = v.GetBoolean() },
                "algorithm" => o with { Algorithm = Name<TrainingAlgorithm>(v, p.Name) },
                "iterations" => o with { Iterations = v.GetInt32() },
                "neighborhood" => o with { Neighborhood = Name<Neighborhood>(v, p.Name) },
                "learning_rate" => o with { LearningRate = v.GetDouble() },
                "sigma" => o with { Sigma = v.ValueKind == JsonValueKind.Null ? null : v.GetDouble() },
                "learning_rate_decay" => o with { LearningRateDecay = Name<Decay>(v, p.Name) },
                "sigma_decay" => o with { SigmaDecay = Name<Decay>(v, p.Name) },
                "initialization" => o with { Initialization = Name<Initialization>(v, p.Name) },
                "scaling" => o with { Scaling = Name<Scaling>(v, p.Name) },
                "shuffle" => o with { Shuffle = v.GetBoolean() },
                "exact_neighborhood" => o with { ExactNeighborhood = v.GetBoolean() },
                "seed" => o with { Seed = v.ValueKind == JsonValueKind.Null ? null : v.GetInt32() },
                "max_degree_of_parallelism" => o with { MaxDegreeOfParallelism = v.ValueKind == JsonValueKind.Null ? null : v.GetInt32() },
                "metrics_every" => o with { MetricsEvery = v.GetInt32() },
                "sigma_end" => o with { SigmaEnd = v.ValueKind == JsonValueKind.Null ? null : v.GetDouble() },
                "learning_rate_end" => o with { LearningRateEnd = v.ValueKind == JsonValueKind.Null ? null : v.GetDouble() },
                "distance" => o with { Distance = Name<DistanceMetric>(v, p.Name) },
                _ => o, // a newer writer's extra option: ignored, the format version guards real changes
            };
        }

        return o;
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static TEnum Name<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>(JsonElement v, string key)
        where TEnum : struct, Enum =>
        OptionText.TryParse<TEnum>(v.GetString(), out var value)
            ? value
            : throw new FormatException($"option '{key}' has unknown value '{v.GetString()}'; allowed: {string.Join(", ", OptionText.Names<TEnum>())}");

    /// <summary>The history as a JSON array of steps (snake_case keys; NaN as null).</summary>
    public static string WriteHistory(IReadOnlyList<TrainingStep> history)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var step in history)
            {
                w.WriteStartObject();
                w.WriteNumber("iteration", step.Iteration);
                WriteNumber(w, "sigma", step.Sigma);
                WriteNumber(w, "learning_rate", step.LearningRate);
                WriteNumber(w, "quantization_error", step.QuantizationError);
                WriteNumber(w, "topographic_error", step.TopographicError);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads what <see cref="WriteHistory"/> wrote.</summary>
    /// <exception cref="FormatException">A step is malformed.</exception>
    public static IReadOnlyList<TrainingStep> ReadHistory(string json)
    {
        using var document = JsonDocument.Parse(json);
        var steps = new List<TrainingStep>();
        foreach (var e in document.RootElement.EnumerateArray())
        {
            steps.Add(new TrainingStep(
                e.GetProperty("iteration").GetInt32(),
                Number(e, "sigma"),
                Number(e, "learning_rate"),
                Number(e, "quantization_error"),
                Number(e, "topographic_error")));
        }

        return steps;
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}
