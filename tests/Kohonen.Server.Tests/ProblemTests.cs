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
        var parameters = method.GetParameters();
        object?[] arguments = [parameters[0].ParameterType == typeof(long) ? 4096L : "what is wrong", .. parameters.Skip(1).Select(p => p.DefaultValue)];
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

    /// <summary>The route handlers: the public static methods of the Api's *Endpoints classes that answer
    /// <c>Results&lt;…&gt;</c> (awaited or not).</summary>
    private static Dictionary<string, Type[]> Handlers() =>
        typeof(Problems).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Problems).Namespace && t.Name.EndsWith("Endpoints", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Select(m => (Method: m, Answer: m.ReturnType.IsGenericType && m.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) ? m.ReturnType.GetGenericArguments()[0] : m.ReturnType))
            .Where(h => h.Answer.IsGenericType && h.Answer.Namespace == "Microsoft.AspNetCore.Http.HttpResults" && h.Answer.Name.StartsWith("Results`", StringComparison.Ordinal))
            .ToDictionary(h => $"{h.Method.DeclaringType!.Name}.{h.Method.Name}", h => h.Answer.GetGenericArguments());

    [Theory]
    [InlineData("TrainingEndpoints.TrainAsync", new[] { 202, 400, 413, 415, 429 })]
    [InlineData("TrainingEndpoints.GetRunAsync", new[] { 200, 404 })]
    [InlineData("TrainingEndpoints.Events", new[] { 200, 404 })]
    [InlineData("TrainingEndpoints.CancelAsync", new[] { 202, 404, 409 })]
    [InlineData("DemoEndpoints.ColorDemoAsync", new[] { 200, 400, 503 })]
    public void TheTrainingAndDemoHandlersDeclareEachAnswerInTheirTypes(string handler, int[] statuses)
    {
        var answers = Handlers()[handler];

        Assert.All(answers, a => Assert.True(typeof(IEndpointMetadataProvider).IsAssignableFrom(a), $"{handler}: {a.Name} documents nothing"));
        var declared = answers.SelectMany(a =>
        {
            var builder = new Builder();
            // Ok<T> and Accepted<T> implement it explicitly.
            a.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static).Single(m => m.Name.EndsWith(nameof(IEndpointMetadataProvider.PopulateMetadata), StringComparison.Ordinal))
                .Invoke(null, [typeof(ProblemTests).GetMethod(nameof(Declared), BindingFlags.NonPublic | BindingFlags.Static)!, builder]);
            return builder.Metadata.OfType<IProducesResponseTypeMetadata>().Select(d => d.StatusCode);
        });
        Assert.Equal(statuses, declared.Order());
    }
}
