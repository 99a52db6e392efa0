namespace Kohonen.Tracking;

/// <summary>
/// Run ids as people type them: the whole 32-hex id, or any prefix of at least
/// <see cref="MinPrefixLength"/> characters that only one run's id starts with. Tables show the first
/// <see cref="ShortLength"/> characters, which are such a prefix in any store of a realistic size.
/// </summary>
public static class RunIds
{
    /// <summary>The shortest prefix taken for a run id.</summary>
    public const int MinPrefixLength = 6;

    /// <summary>How many characters of an id tables show.</summary>
    public const int ShortLength = 8;

    /// <summary>The most matches an ambiguous prefix lists.</summary>
    private const int ListedMatches = 10;

    /// <summary>The first <see cref="ShortLength"/> characters of an id.</summary>
    public static string Short(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return runId.Length <= ShortLength ? runId : runId[..ShortLength];
    }

    /// <summary>
    /// The whole id of the run that <paramref name="idOrPrefix"/> names: surrounding white space is
    /// ignored and upper-case hex digits are read as lower-case.
    /// </summary>
    /// <exception cref="RunNotFoundException">No run's id starts with it.</exception>
    /// <exception cref="AmbiguousRunIdException">Several runs' ids start with it; the message lists them.</exception>
    /// <exception cref="TrackingException">It is shorter than <see cref="MinPrefixLength"/> characters or
    /// not hexadecimal.</exception>
    public static async Task<string> ResolveAsync(ITrackingStore store, string idOrPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(idOrPrefix);
        var prefix = idOrPrefix.Trim().ToLowerInvariant();
        if (prefix.Length < MinPrefixLength || prefix.Length > 32 || !prefix.All(char.IsAsciiHexDigitLower))
        {
            throw new TrackingException(
                $"'{idOrPrefix}' is not a run id: give the run's 32-hex id or its first {MinPrefixLength} or more characters (as the tables show them).");
        }

        var matches = await store.FindRunIdsAsync(prefix, ListedMatches + 1, cancellationToken).ConfigureAwait(false);
        return matches.Count switch
        {
            0 => throw new RunNotFoundException(prefix),
            1 => matches[0],
            _ => throw new AmbiguousRunIdException(prefix, [.. matches.Take(ListedMatches)], matches.Count > ListedMatches),
        };
    }
}
