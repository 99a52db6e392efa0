using System.Text.Json;

namespace Kohonen;

// SomFile: the optional tensors and metadata of what a map keeps beside its codebook: labels
// (labels.weights F32 [height, width, classes] + label_classes), a numeric target (target.mean,
// target.spread, target.count F32 [height, width] + target_name) and segments (segments F32
// [height, width], whole numbers, + segment_method) and hits (hits F32 [height, width], whole
// numbers, + hits_rows). A model without them is written as before.
public static partial class SomFile
{
    private static void AddKeptTensors(SomModel model, List<(string Name, int[] Shape, float[] Values)> tensors)
    {
        if (model.Labels is { } labels)
        {
            tensors.Add(("labels.weights", [model.Height, model.Width, labels.Classes.Count], labels.Weights.ToArray()));
        }

        if (model.Targets is { } targets)
        {
            tensors.Add(("target.mean", [model.Height, model.Width], targets.Mean.ToArray()));
            tensors.Add(("target.spread", [model.Height, model.Width], targets.Spread.ToArray()));
            tensors.Add(("target.count", [model.Height, model.Width], targets.Count.ToArray()));
        }

        if (model.Segments is { } segments)
        {
            var values = new float[segments.Segments.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = segments.Segments[i];
            }

            tensors.Add(("segments", [model.Height, model.Width], values));
        }

        if (model.Hits is { } hits)
        {
            var values = new float[hits.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = hits[i];
            }

            tensors.Add(("hits", [model.Height, model.Width], values));
        }
    }

    private static void AddKeptMetadata(SomModel model, List<KeyValuePair<string, string>> metadata)
    {
        if (model.Labels is { } labels)
        {
            metadata.Add(new("label_classes", JsonSerializer.Serialize(labels.Classes, SomFileJsonContext.Default.IReadOnlyListString)));
        }

        if (model.Targets is { } targets)
        {
            metadata.Add(new("target_name", targets.Name));
        }

        if (model.Segments is { } segments)
        {
            metadata.Add(new("segment_method", OptionText.ToText(segments.Method)));
        }

        if (model.Hits is { } hits)
        {
            metadata.Add(new("hits_rows", hits.Sum(h => (long)h).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static SomModel ReadKept(SomModel model, JsonElement meta, Dictionary<string, (long Start, long End, int[] Shape)> tensors, ReadOnlySpan<byte> data, string sourceName)
    {
        int[] plane = [model.Height, model.Width];
        if (Text(meta, "label_classes") is { } classText)
        {
            IReadOnlyList<string>? classes;
            try
            {
                classes = JsonSerializer.Deserialize(classText, SomFileJsonContext.Default.IReadOnlyListString);
            }
            catch (JsonException e)
            {
                throw new SomFormatException(sourceName, $"the metadata is damaged: label_classes is not a JSON array of strings ({e.Message}).");
            }

            if (classes is null || classes.Count == 0)
            {
                throw new SomFormatException(sourceName, "the metadata is damaged: label_classes is empty.");
            }

            var weights = Tensor(tensors, data, "labels.weights", [model.Height, model.Width, classes.Count], sourceName);
            model = Wrap(() => model.WithLabels(new NodeLabels(model.Grid, classes, weights)), sourceName, "labels");
        }

        if (Text(meta, "target_name") is { } targetName)
        {
            var mean = Tensor(tensors, data, "target.mean", plane, sourceName);
            var spread = Tensor(tensors, data, "target.spread", plane, sourceName);
            var count = Tensor(tensors, data, "target.count", plane, sourceName);
            model = Wrap(() => model.WithTargets(new NodeTargets(model.Grid, targetName, mean, spread, count)), sourceName, "target");
        }

        if (Text(meta, "segment_method") is { } methodText)
        {
            if (!OptionText.TryParse<SegmentMethod>(methodText, out var method))
            {
                throw new SomFormatException(sourceName, $"unknown segment method '{methodText}'.");
            }

            var values = Tensor(tensors, data, "segments", plane, sourceName);
            var segments = new int[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] != MathF.Round(values[i]) || values[i] < 0 || values[i] >= values.Length)
                {
                    throw new SomFormatException(sourceName, $"segment of node {i} is {values[i]}; segments are whole numbers 0..{values.Length - 1}.");
                }

                segments[i] = (int)values[i];
            }

            model = Wrap(() => model.WithSegments(new NodeSegments(model.Grid, segments, method)), sourceName, "segments");
        }

        if (Text(meta, "hits_rows") is { } rowsText)
        {
            if (!long.TryParse(rowsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rows))
            {
                throw new SomFormatException(sourceName, $"the metadata is damaged: hits_rows is '{rowsText}', not a whole number.");
            }

            var values = Tensor(tensors, data, "hits", plane, sourceName);
            var hits = new int[values.Length];
            long total = 0;
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] != MathF.Round(values[i]) || values[i] < 0 || values[i] > int.MaxValue)
                {
                    throw new SomFormatException(sourceName, $"hits of node {i} are {values[i]}; hits are whole numbers from 0.");
                }

                hits[i] = (int)values[i];
                total += hits[i];
            }

            if (total != rows)
            {
                throw new SomFormatException(sourceName, $"the hits add up to {total} rows; hits_rows says {rows}.");
            }

            model = model.WithHits(new GridValues<int>(model.Width, model.Height, hits));
        }

        return model;
    }
}
