using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Kohonen.Server.Api;

/// <summary><c>POST /predict-bmu</c> and <c>POST /predict-batch</c>: the hot path. The body is read into a
/// pooled buffer and parsed straight into floats, the answer written by hand (<see cref="VectorJson"/>);
/// the model is read once per request from the holder, so a switch never mixes two models in one answer.
/// The batch goes to <see cref="SomModel.FindBmus"/> in one call. The handlers' XML docs are the OpenAPI
/// document's summaries, descriptions (remarks) and response descriptions.</summary>
internal static class PredictionEndpoints
{
    public static IEndpointRouteBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var predictions = app.MapGroup("").WithTags("Predictions");
        predictions.MapPost("/predict-bmu", PredictBmu)
            .WithName("PredictBmu")
            .WithMetadata(new ApiExample("""{"data": [0.2, 0.5, 0.8]}""", """{"bmu_x": 12, "bmu_y": 40, "distance": 0.0123}"""));
        predictions.MapPost("/predict-batch", PredictBatch)
            .WithName("PredictBatch")
            .WithMetadata(new ApiExample("""{"data": [[0.2, 0.5, 0.8], [0.9, 0.1, 0.1]]}""", """{"results": [{"bmu_x": 12, "bmu_y": 40, "distance": 0.0123}, {"bmu_x": 95, "bmu_y": 3, "distance": 0.0211}]}"""));
        return app;
    }

    /// <summary>The best-matching unit of one vector.</summary>
    /// <remarks>Finds the node of the served map nearest to the vector (after the model's own scaling). The vector needs one finite number per feature, in the model's order (see GET /model-info), or null for a missing value: the BMU is then the nearest node over the present features, its distance scaled by total/present features. A vector with every value null is refused. A model with categorical columns takes its input columns instead, as an array in their order or an object by name, a category as a string (e.g. {"data": {"length": 1.2, "colour": "red"}}); a category it did not learn, or null, is a missing value (named in unseen_categories when it was not learned).</remarks>
    /// <response code="200">The node nearest to the vector: its column, row and distance.</response>
    /// <response code="400">The vector is not one finite number (or null) per feature, or every value is null; the detail says which value and why.</response>
    /// <response code="413">The body is larger than the service accepts.</response>
    /// <response code="415">The body is not JSON.</response>
    /// <response code="503">No model is served; the detail says why.</response>
    public static Results<PrewrittenJson<BmuResponse>, BadRequestProblem, BodyProblem, NoModelProblem> PredictBmu(
        JsonBody<PredictBmuRequest> body, ModelHolder holder)
    {
        using (body)
        {
            if (body.Problem is { } refused)
            {
                return refused;
            }

            if (holder.Current is not { } served)
            {
                return Problems.NoModel(holder.Problem);
            }

            if (served.Model.Encoder is { HasCategories: true } encoder)
            {
                var (one, reason) = EncodedJson.Predict(body.Utf8, served.Model, encoder, batch: false, maxRows: 1);
                return one is { } answer ? new PrewrittenJson<BmuResponse>(answer) : Problems.BadRequest(reason!);
            }

            var dimension = served.Model.Dimension;
            Span<float> vector = dimension <= 256 ? stackalloc float[dimension] : new float[dimension];
            if (VectorJson.ReadVector(body.Utf8, vector, served.Features) is { } problem)
            {
                return Problems.BadRequest(problem);
            }

            if (AllMissing(vector))
            {
                return Problems.BadRequest("\"data\" has every value missing (null); a BMU needs at least one number.");
            }

            Bmu bmu;
            try
            {
                bmu = served.Model.FindBmu(vector);
            }
            catch (ArgumentException e)
            {
                // A value beyond the range the map measures in (the core's rule names it).
                return Problems.BadRequest($"\"data\": {e.Message}");
            }

            return new PrewrittenJson<BmuResponse>(VectorJson.WriteBmu(bmu, served.Model));
        }
    }

    /// <summary>The best-matching units of many vectors.</summary>
    /// <remarks>Like /predict-bmu for each vector (null for a missing value), with the same answers, in order. The whole batch is searched in one call, which lets the model search the vectors together. The vectors may also come as a NumPy .npy file (Content-Type: application/x-npy): a float32 or float64 array of shape (n, features), NaN for a missing value. With Accept: application/x-npy the answer is a .npy structured array of n records with the JSON answer's fields (bmu_x, bmu_y, distance, and label, label_confidence, target, target_spread, segment when the model keeps them), for numpy.load. A model with categorical columns takes JSON only.</remarks>
    /// <response code="200">The nearest node of each vector, in the order of the vectors.</response>
    /// <response code="400">A vector is not one finite number (or null) per feature, or has every value null (the detail says which), or there are more vectors than one request may hold, or the .npy file cannot be read (the detail says why).</response>
    /// <response code="413">The body is larger than the service accepts.</response>
    /// <response code="415">The body is neither JSON nor a .npy file, or is a .npy file for a model with categorical columns.</response>
    /// <response code="503">No model is served; the detail says why.</response>
    public static Results<PrewrittenJson<BatchResponse>, PrewrittenNpy, BadRequestProblem, BodyProblem, NoModelProblem> PredictBatch(
        BatchBody body, HttpRequest request, ModelHolder holder, KohonenServerOptions options)
    {
        using (body)
        {
            if (body.Problem is { } refused)
            {
                return refused;
            }

            if (holder.Current is not { } served)
            {
                return Problems.NoModel(holder.Problem);
            }

            var model = served.Model;
            if (model.Encoder is { HasCategories: true } encoder)
            {
                if (body.IsNpy)
                {
                    return Problems.Unsupported(
                        $"The served model has categorical columns ({string.Join(", ", encoder.Columns.Where((_, c) => encoder.Kinds[c] == FeatureKind.Categorical))}), which a .npy file of numbers cannot hold; send the vectors as JSON (Content-Type: application/json).");
                }

                var (many, reason) = EncodedJson.Predict(body.Bytes, model, encoder, batch: true, options.MaxBatchVectors);
                return many is { } answer ? new PrewrittenJson<BatchResponse>(answer) : Problems.BadRequest(reason!);
            }

            DataMatrix vectors;
            if (body.IsNpy)
            {
                if (VectorNpy.ReadMatrix(body.Segment, served, options.MaxBatchVectors, out var read) is { } problem)
                {
                    return Problems.BadRequest(problem);
                }

                vectors = read!;
            }
            else
            {
                if (VectorJson.ReadMatrix(body.Bytes, model.Dimension, served.Features, options.MaxBatchVectors, out var values, out var rows) is { } problem)
                {
                    return Problems.BadRequest(problem);
                }

                vectors = new DataMatrix(values.AsSpan(0, rows * model.Dimension), rows, model.Dimension, model.FeatureNames);
            }

            for (var r = 0; r < vectors.Rows; r++)
            {
                if (AllMissing(vectors.Row(r)))
                {
                    return Problems.BadRequest(body.IsNpy
                        ? $"Row {r} of the array has every value missing (NaN); a BMU needs at least one number."
                        : $"data[{r}] has every value missing (null); a BMU needs at least one number.");
                }
            }

            Bmu[] bmus;
            try
            {
                bmus = model.FindBmus(vectors);
            }
            catch (ArgumentException e)
            {
                // A value beyond the range the map measures in (the core's rule names its row and column).
                return Problems.BadRequest($"\"data\": {e.Message}");
            }

            return WantsNpy(request)
                ? new PrewrittenNpy(VectorNpy.WriteBatch(bmus, model))
                : new PrewrittenJson<BatchResponse>(VectorJson.WriteBatch(bmus, model));
        }
    }

    /// <summary>Whether the route takes a .npy body as well as JSON (for the 415 routing answers itself).</summary>
    public static bool TakesNpy(PathString path) => path.Equals("/predict-batch", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the Accept header asks for a .npy answer: it names application/x-npy, and no JSON
    /// type (application/json, application/*, */*) at a higher quality.</summary>
    private static bool WantsNpy(HttpRequest request)
    {
        if (request.Headers.Accept.Count == 0)
        {
            return false;
        }

        double npy = 0, json = 0;
        foreach (var type in request.GetTypedHeaders().Accept)
        {
            var quality = type.Quality ?? 1;
            if (type.MediaType.Equals(RequestBody.NpyMediaType, StringComparison.OrdinalIgnoreCase))
            {
                npy = Math.Max(npy, quality);
            }
            else if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || type.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase)
                || type.MediaType.Equals("*/*", StringComparison.Ordinal))
            {
                json = Math.Max(json, quality);
            }
        }

        return npy > 0 && npy >= json;
    }

    /// <summary>Whether every value is missing (NaN, read from <c>null</c>).</summary>
    private static bool AllMissing(ReadOnlySpan<float> vector)
    {
        foreach (var v in vector)
        {
            if (!float.IsNaN(v))
            {
                return false;
            }
        }

        return true;
    }
}
