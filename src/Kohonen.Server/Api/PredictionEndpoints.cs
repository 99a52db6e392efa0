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
    /// <remarks>Finds the node of the served map nearest to the vector (after the model's own scaling). The vector needs one finite number per feature, in the model's order (see GET /model-info). A model with categorical columns takes its input columns instead, as an array in their order or an object by name, a category as a string (e.g. {"data": {"length": 1.2, "colour": "red"}}); a category it did not learn is treated as missing and named in unseen_categories.</remarks>
    /// <response code="200">The node nearest to the vector: its column, row and distance.</response>
    /// <response code="400">The vector is not one finite number per feature; the detail says which value and why.</response>
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

            return new PrewrittenJson<BmuResponse>(VectorJson.WriteBmu(served.Model.FindBmu(vector), served.Model));
        }
    }

    /// <summary>The best-matching units of many vectors.</summary>
    /// <remarks>Like /predict-bmu for each vector, with the same answers, in order. The whole batch is searched in one call, which lets the model search the vectors together.</remarks>
    /// <response code="200">The nearest node of each vector, in the order of the vectors.</response>
    /// <response code="400">A vector is not one finite number per feature (the detail says which), or there are more vectors than one request may hold.</response>
    /// <response code="413">The body is larger than the service accepts.</response>
    /// <response code="415">The body is not JSON.</response>
    /// <response code="503">No model is served; the detail says why.</response>
    public static Results<PrewrittenJson<BatchResponse>, BadRequestProblem, BodyProblem, NoModelProblem> PredictBatch(
        JsonBody<PredictBatchRequest> body, ModelHolder holder, KohonenServerOptions options)
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
                var (many, reason) = EncodedJson.Predict(body.Utf8, model, encoder, batch: true, options.MaxBatchVectors);
                return many is { } answer ? new PrewrittenJson<BatchResponse>(answer) : Problems.BadRequest(reason!);
            }

            if (VectorJson.ReadMatrix(body.Utf8, model.Dimension, served.Features, options.MaxBatchVectors, out var values, out var rows) is { } problem)
            {
                return Problems.BadRequest(problem);
            }

            var bmus = model.FindBmus(new DataMatrix(values.AsSpan(0, rows * model.Dimension), rows, model.Dimension, model.FeatureNames));
            return new PrewrittenJson<BatchResponse>(VectorJson.WriteBatch(bmus, model));
        }
    }
}
