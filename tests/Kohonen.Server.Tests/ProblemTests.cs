using System.Reflection;
using Kohonen.Server.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Kohonen.Server.Tests;

/// <summary>Each problem type documents (for OpenAPI) the very statuses its answers have, as problem+json.</summary>
public sealed class ProblemTests
{
    private sealed class Builder : EndpointBuilder
    {
        public override Endpoint Build() => throw new NotSupportedException();
    }

    /// <summary>What a problem type's <see cref="IEndpointMetadataProvider.PopulateMetadata"/> declares.</summary>
    private static List<IProducesResponseTypeMetadata> Declared(Type type)
    {
        var builder = new Builder();
        type.GetMethod(nameof(IEndpointMetadataProvider.PopulateMetadata), BindingFlags.Public | BindingFlags.Static)!
            .Invoke(null, [typeof(ProblemTests).GetMethod(nameof(Declared), BindingFlags.NonPublic | BindingFlags.Static)!, builder]);
        return [.. builder.Metadata.OfType<IProducesResponseTypeMetadata>()];
    }

    public static TheoryData<string, int> Answers() => new()
    {
        { nameof(Problems.BadRequest), 400 },
        { nameof(Problems.Unauthorized), 401 },
        { nameof(Problems.Forbidden), 403 },
        { nameof(Problems.NotFound), 404 },
        { nameof(Problems.Conflict), 409 },
        { nameof(Problems.TooLarge), 413 },
        { nameof(Problems.UnsupportedMediaType), 415 },
        { nameof(Problems.Busy), 429 },
        { nameof(Problems.NoModel), 503 },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void EachProblemIsDocumentedWithTheStatusItAnswers(string factory, int status)
    {
        var method = typeof(Problems).GetMethod(factory)!;
        object?[] arguments = method.GetParameters()[0].ParameterType == typeof(long) ? [4096L] : ["what is wrong"];
        var problem = (ProblemResult)method.Invoke(null, arguments)!;

        var declared = Declared(problem.GetType());

        Assert.Equal(status, problem.StatusCode);
        Assert.Equal(status, problem.Value.Status);
        Assert.Contains(declared, d => d.StatusCode == status);
        Assert.All(declared, d =>
        {
            Assert.Equal(typeof(ProblemDetails), d.Type);
            Assert.Equal(["application/problem+json"], d.ContentTypes);
        });
    }

    [Fact]
    public void TheBodyProblemDocumentsBothOfItsStatusesAndNoOther()
    {
        Assert.Equal([413, 415], Declared(typeof(BodyProblem)).Select(d => d.StatusCode).Order());
    }
}
