namespace Kohonen.Tracking;

/// <summary>A run id prefix that more than one run's id starts with.</summary>
public sealed class AmbiguousRunIdException : TrackingException
{
    /// <summary>Creates the exception for a prefix and the ids it matches.</summary>
    /// <param name="prefix">The prefix asked for.</param>
    /// <param name="matches">The ids that start with it (some of them when <paramref name="more"/>).</param>
    /// <param name="more">More runs match than are listed.</param>
    public AmbiguousRunIdException(string prefix, IReadOnlyList<string> matches, bool more)
        : base($"The run id '{prefix}' is ambiguous: it starts {(more ? "more than " : "")}{matches?.Count ?? 0} runs' ids ({string.Join(", ", matches ?? [])}{(more ? ", …" : "")}); give more characters.")
    {
        Prefix = prefix;
        Matches = matches ?? [];
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public AmbiguousRunIdException()
    {
        Prefix = "";
        Matches = [];
    }

    /// <summary>Creates the exception with a cause.</summary>
    public AmbiguousRunIdException(string message, Exception innerException)
        : base(message, innerException)
    {
        Prefix = "";
        Matches = [];
    }

    /// <summary>The prefix asked for.</summary>
    public string Prefix { get; }

    /// <summary>The ids that start with it (at most ten).</summary>
    public IReadOnlyList<string> Matches { get; }
}
