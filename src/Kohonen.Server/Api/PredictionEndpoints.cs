using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kohonen.Server.Api;

/// <summary><c>POST /predict-bmu</c> and <c>POST /predict-batch</c>: the hot path. The body is read into a
/// pooled buffer and parsed straight into floats; the answer is written with a reused JSON writer; the
/// model is read once per request from the holder, so a switch never mixes two models in one answer.</summary>
internal static class PredictionEndpoints
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _output;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    public static async Task<IResult> PredictBmuAsync(HttpContext context, ModelHolder holder, KohonenServerOptions options)
    {
        var (body, served, error) = await ReadAsync(context, holder, options).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (body)
        {
            var dimension = served!.Model.Dimension;
            var vector = dimension <= 256 ? null : new float[dimension];
            return Predict(body!.Span, served, vector);
        }
    }

    private static IResult Predict(ReadOnlySpan<byte> json, ServedModel served, float[]? heap)
    {
        Span<float> vector = heap ?? stackalloc float[served.Model.Dimension];
        if (VectorJson.ReadVector(json, vector, served.Features) is { } problem)
        {
            return Problems.BadRequest(problem);
        }

        var bmu = served.Model.FindBmu(vector);
        var (output, writer) = Writer();
        WriteBmu(writer, bmu);
        writer.Flush();
        return new JsonBytes(output.WrittenSpan.ToArray());
    }

    public static async Task<IResult> PredictBatchAsync(HttpContext context, ModelHolder holder, KohonenServerOptions options)
    {
        var (body, served, error) = await ReadAsync(context, holder, options).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (body)
        {
            var model = served!.Model;
            if (VectorJson.ReadMatrix(body!.Span, model.Dimension, served.Features, options.MaxBatchVectors, out var values, out var rows) is { } problem)
            {
                return Problems.BadRequest(problem);
            }

            var bmus = model.FindBmus(new DataMatrix(values.AsSpan(0, rows * model.Dimension), rows, model.Dimension, model.FeatureNames));
            var output = new ArrayBufferWriter<byte>(rows * 48 + 16);
            using var writer = new Utf8JsonWriter(output);
            writer.WriteStartObject();
            writer.WriteStartArray("results"u8);
            foreach (var bmu in bmus)
            {
                WriteBmu(writer, bmu);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            return new JsonBytes(output.WrittenMemory);
        }
    }

    /// <summary>The body (415, 413 refused) and the model read once for the whole request (503 when
    /// there is none: never a made-up answer).</summary>
    private static async Task<(RequestBody? Body, ServedModel? Served, IResult? Error)> ReadAsync(HttpContext context, ModelHolder holder, KohonenServerOptions options)
    {
        var (body, error) = await RequestBody.ReadJsonAsync(context, options.MaxRequestBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, null, error);
        }

        if (holder.Current is not { } served)
        {
            body!.Dispose();
            return (null, null, Problems.NoModel(holder.Problem));
        }

        return (body, served, null);
    }

    /// <summary>One answer: <c>{"bmu_x":…,"bmu_y":…,"distance":…}</c> (<see cref="BmuResponse"/>'s JSON).</summary>
    private static void WriteBmu(Utf8JsonWriter writer, Kohonen.Bmu bmu)
    {
        writer.WriteStartObject();
        writer.WriteNumber("bmu_x"u8, bmu.X);
        writer.WriteNumber("bmu_y"u8, bmu.Y);
        writer.WriteNumber("distance"u8, bmu.Distance);
        writer.WriteEndObject();
    }

    private static (ArrayBufferWriter<byte> Output, Utf8JsonWriter Writer) Writer()
    {
        var output = _output ??= new ArrayBufferWriter<byte>(128);
        output.ResetWrittenCount();
        var writer = _writer ??= new Utf8JsonWriter(output);
        writer.Reset(output);
        return (output, writer);
    }

    /// <summary>JSON already serialized.</summary>
    private sealed class JsonBytes(ReadOnlyMemory<byte> bytes) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            httpContext.Response.ContentLength = bytes.Length;
            return httpContext.Response.Body.WriteAsync(bytes).AsTask();
        }
    }
}
