using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kohonen.Server.Api;

/// <summary>An example request and answer of an endpoint, shown in the OpenAPI document.</summary>
/// <param name="Request">The request body's JSON, or null.</param>
/// <param name="Response">The 200 answer's JSON, or null.</param>
internal sealed record ApiExample(string? Request, string? Response);

/// <summary>The OpenAPI document's title, description, examples, responses in status order, the
/// batch vectors' numbers, and what a server-sent event's fields are.</summary>
internal static class OpenApiDocs
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Kohonen for .NET",
                Version = "v1",
                Description = "Predictions (best-matching units) and pictures of self-organizing maps, the runs that trained them, and training jobs. "
                    + "Every error is application/problem+json. Training, activation and cancellation need the X-Api-Key header when the server has a key.",
            };
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // The vectors of a batch are read by hand (VectorJson), finite numbers only; the attribute that
            // says so for PredictBmuRequest's one level of numbers does not reach the second level here.
            if (context.JsonTypeInfo.Type == typeof(PredictBatchRequest)
                && schema.Properties?.TryGetValue("data", out var data) == true && data.Items is OpenApiSchema row)
            {
                row.Items = new OpenApiSchema { Type = JsonSchemaType.Number, Format = "float" };
            }

            // An event stream is text, not JSON: say which lines of an event the fields are.
            if (context.JsonTypeInfo.Type.IsGenericType && context.JsonTypeInfo.Type.GetGenericTypeDefinition() == typeof(SseItem<>))
            {
                schema.Description = "One server-sent event, as text: event_type is its \"event:\" line (progress or end), data its \"data:\" line (JSON); there are no id or retry lines.";
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            // Responses in the order of their status codes, whichever part of an endpoint described them.
            if (operation.Responses is { Count: > 1 } all)
            {
                var ordered = all.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
                all.Clear();
                foreach (var (code, response) in ordered)
                {
                    all[code] = response;
                }
            }

            // A route that takes a .npy file (/predict-batch) answers with one too when asked: both are bytes.
            if (operation.RequestBody?.Content is { } bodies && bodies.TryGetValue(RequestBody.NpyMediaType, out var npyBody))
            {
                npyBody.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Format = "binary",
                    Description = "A NumPy .npy file: a float32 or float64 array of shape (n, features), C order, NaN for a missing value.",
                };
                if (operation.Responses?.TryGetValue("200", out var answered) == true && answered.Content is { } answers)
                {
                    answers[RequestBody.NpyMediaType] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.String,
                            Format = "binary",
                            Description = "With Accept: application/x-npy, a NumPy .npy structured array of one record a vector, with the JSON answer's fields (bmu_x, bmu_y as int32, distance as float32, and label, label_confidence, target, target_spread, segment when the model keeps them).",
                        },
                    };
                }
            }

            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiExample>().FirstOrDefault() is not { } example)
            {
                return Task.CompletedTask;
            }

            if (example.Request is not null && operation.RequestBody?.Content is { } content && content.TryGetValue("application/json", out var request))
            {
                request.Example = JsonNode.Parse(example.Request);
            }

            if (example.Response is not null && operation.Responses is { } responses
                && responses.TryGetValue("200", out var ok) && ok.Content is { } okContent && okContent.TryGetValue("application/json", out var answer))
            {
                answer.Example = JsonNode.Parse(example.Response);
            }

            return Task.CompletedTask;
        });
    }
}
