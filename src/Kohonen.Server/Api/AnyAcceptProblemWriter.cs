using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Kohonen.Server.Api;

/// <summary>
/// Writes a problem whatever the request's Accept header asks for (a client that wants a <c>.npy</c>
/// answer, say): ASP.NET Core's own writer declines when Accept names no JSON type, and the problem
/// then went out without its trace id and the service's completions. Registered after that writer,
/// so it writes only what the other declined, with the same completions: a <c>trace_id</c>, and
/// <see cref="ProblemDetail.Fill"/> (type, title, detail). An error is always
/// <c>application/problem+json</c> (RFC 9110 lets an error ignore Accept).
/// </summary>
internal sealed class AnyAcceptProblemWriter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        // Named as the framework's writer names it in this service's snake_case answers.
        problem.Extensions.TryAdd("trace_id", Activity.Current?.Id ?? http.TraceIdentifier);
        ProblemDetail.Fill(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, typeof(ProblemDetails), json.Value.SerializerOptions, "application/problem+json", http.RequestAborted));
    }
}
