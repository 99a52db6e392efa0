using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Kohonen.Server.Api;

/// <summary>
/// The detail of the problems the framework writes itself, so that every error of the service says
/// what is wrong: a query value that does not bind (which value, what it must be), a route that
/// does not exist, a method a route does not allow (and the ones it does).
/// </summary>
internal static partial class ProblemDetail
{
    /// <summary>The longest piece of a request quoted back in a detail.</summary>
    private const int MaxQuoted = 80;

    /// <summary>Each status's type (RFC 9110's section, RFC 6585's for 429 and 431): what ASP.NET Core's
    /// writer sets, and the types it leaves out (413, 429, 431); the only table of them, read by
    /// <see cref="Fill"/> on either writer's path.</summary>
    private static readonly Dictionary<int, string> Types = new()
    {
        [StatusCodes.Status400BadRequest] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        [StatusCodes.Status401Unauthorized] = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        [StatusCodes.Status403Forbidden] = "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        [StatusCodes.Status404NotFound] = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        [StatusCodes.Status405MethodNotAllowed] = "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        [StatusCodes.Status409Conflict] = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        [StatusCodes.Status413PayloadTooLarge] = "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        [StatusCodes.Status415UnsupportedMediaType] = "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        [StatusCodes.Status429TooManyRequests] = "https://tools.ietf.org/html/rfc6585#section-4",
        [StatusCodes.Status431RequestHeaderFieldsTooLarge] = "https://tools.ietf.org/html/rfc6585#section-5",
        [StatusCodes.Status500InternalServerError] = "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        [StatusCodes.Status503ServiceUnavailable] = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
    };

    /// <summary>The service's title of a status that has one title whoever answers it: the problem
    /// types of <see cref="Problems"/> take theirs from here, and <see cref="Fill"/> puts it where the
    /// framework wrote its reason phrase ("Not Found").</summary>
    public static string Title(int status) => Titles[status];

    private static readonly Dictionary<int, string> Titles = new()
    {
        [StatusCodes.Status400BadRequest] = "The request cannot be carried out as sent.",
        [StatusCodes.Status404NotFound] = "Not found.",
        [StatusCodes.Status405MethodNotAllowed] = "Method not allowed.",
        [StatusCodes.Status413PayloadTooLarge] = "Request body too large.",
        [StatusCodes.Status415UnsupportedMediaType] = "Unsupported media type.",
        [StatusCodes.Status429TooManyRequests] = "Too many requests.",
        [StatusCodes.Status431RequestHeaderFieldsTooLarge] = "Request headers too large.",
        [StatusCodes.Status500InternalServerError] = "The service failed.",
    };

    /// <summary>Completes a problem: the type of a status the framework has none for, the service's
    /// title where the framework put its own, and the detail when the framework left it empty (an
    /// exception it threw for a bad request, or a bare status).</summary>
    public static void Fill(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (problem.Type is null && Types.TryGetValue(status, out var type))
        {
            problem.Type = type;
        }

        if ((problem.Title is null || problem.Title == ReasonPhrases.GetReasonPhrase(status)) && Titles.TryGetValue(status, out var title))
        {
            problem.Title = title;
        }

        if (!string.IsNullOrEmpty(problem.Detail))
        {
            return;
        }

        problem.Detail = context.Exception switch
        {
            BadHttpRequestException bad => ForBadRequest(bad),
            Kohonen.Tracking.TrackingStoreException store => store.Message,
            _ => ForStatus(context.HttpContext),
        };
    }

    /// <summary>The detail of a bare status: 404, 405 and the rest.</summary>
    public static string ForStatus(HttpContext http) => ForStatus(http, http.Response.StatusCode);

    /// <summary>The detail of <paramref name="status"/> for this request.</summary>
    public static string ForStatus(HttpContext http, int status)
    {
        var request = http.Request;
        var what = $"{request.Method} {Quote(request.Path.Value ?? "/")}";
        return status switch
        {
            StatusCodes.Status404NotFound => $"There is no route {what}; the routes are listed at /openapi/v1.json and /docs.",
            StatusCodes.Status405MethodNotAllowed => http.Response.Headers.Allow.Count > 0
                ? $"{what}: {request.Method} is not allowed here; allowed: {string.Join(", ", http.Response.Headers.Allow.ToArray())}."
                : $"{what}: {request.Method} is not allowed here.",
            StatusCodes.Status400BadRequest => $"{what}: the request is malformed.",
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than this service accepts.",
            StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request's headers are larger than this service accepts.",
            _ => $"{what} answered {status.ToString(CultureInfo.InvariantCulture)}.",
        };
    }

    /// <summary>A binding failure in words: 'width' is 'abc'; it must be a whole number in ….</summary>
    internal static string ForBadRequest(BadHttpRequestException e)
    {
        var failed = FailedToBind().Match(e.Message);
        if (failed.Success)
        {
            var name = SnakeCase(failed.Groups["name"].Value);
            return $"'{Quote(name)}' is '{Quote(failed.Groups["value"].Value)}'; it must be {Allowed(failed.Groups["type"].Value)}.";
        }

        var missing = Required().Match(e.Message);
        if (missing.Success)
        {
            return $"'{Quote(SnakeCase(missing.Groups["name"].Value))}' is required; it must be {Allowed(missing.Groups["type"].Value)}.";
        }

        return e.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? "The request body is larger than this service accepts."
            : "The request is malformed.";
    }

    /// <summary>The query name of a handler's parameter: the API's names are snake_case (maxResults is
    /// max_results).</summary>
    private static string SnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                builder.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Allowed(string type) => (type.StartsWith("Nullable<", StringComparison.Ordinal) ? type[9..^1] : type).TrimEnd('?') switch
    {
        "int" or "Int32" or "long" or "Int64" => "a whole number (its range is in /openapi/v1.json)",
        "double" or "float" or "Double" or "Single" or "decimal" => "a number",
        "bool" or "Boolean" => "true or false",
        _ => "a value of the documented form (see /openapi/v1.json)",
    };

    /// <summary>A piece of the request as it may be quoted: control characters as '?', at most
    /// <see cref="MaxQuoted"/> characters.</summary>
    private static string Quote(string text)
    {
        var clean = string.Create(Math.Min(text.Length, MaxQuoted), text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
        return text.Length > MaxQuoted ? clean + "…" : clean;
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^"]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "(?<type>[^ "]+) (?<name>[^"]+)" was not provided""", RegexOptions.Singleline)]
    private static partial Regex Required();
}
