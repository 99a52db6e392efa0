using Microsoft.Data.Sqlite;

namespace Kohonen.Tracking.Tests;

/// <summary>Run ids as people type them: a unique prefix of 6+ characters, an ambiguous one listing its
/// matches, an unknown one, and text that is not an id.</summary>
public sealed class RunIdsTests : StoreFolder
{
    private const string First = "abcdef0011223344556677889900aabb";
    private const string Second = "abcdef9911223344556677889900aabb";
    private const string Third = "1234567811223344556677889900aabb";

    /// <summary>A store with three runs whose ids are chosen (two share the prefix "abcdef").</summary>
    private async Task<SqliteTrackingStore> ThreeRunsAsync()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var experiment = await store.GetOrCreateExperimentAsync("e", Token);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Folder, "kohonen.db")}");
        await connection.OpenAsync(Token);
        foreach (var id in new[] { First, Second, Third })
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO runs (run_id, experiment_id, name, status, start_time) VALUES ('{id}', {experiment.ExperimentId}, 'r', 'FINISHED', 1)";
            await insert.ExecuteNonQueryAsync(Token);
        }

        return store;
    }

    [Fact]
    public async Task AUniquePrefixOfSixOrMoreCharactersNamesItsRun()
    {
        var store = await ThreeRunsAsync();

        Assert.Equal(Third, await RunIds.ResolveAsync(store, "123456", Token));
        Assert.Equal(First, await RunIds.ResolveAsync(store, "abcdef00", Token));
        Assert.Equal(Second, await RunIds.ResolveAsync(store, " ABCDEF99 ", Token));
        Assert.Equal(First, await RunIds.ResolveAsync(store, First, Token));
    }

    [Fact]
    public async Task AnAmbiguousPrefixIsAnErrorListingTheMatches()
    {
        var store = await ThreeRunsAsync();

        var error = await Assert.ThrowsAsync<AmbiguousRunIdException>(() => RunIds.ResolveAsync(store, "abcdef", Token));

        Assert.Equal([First, Second], error.Matches);
        Assert.Equal($"The run id 'abcdef' is ambiguous: it starts 2 runs' ids ({First}, {Second}); give more characters.", error.Message);
    }

    [Fact]
    public async Task AnUnknownPrefixIsRunNotFound()
    {
        var store = await ThreeRunsAsync();

        var error = await Assert.ThrowsAsync<RunNotFoundException>(() => RunIds.ResolveAsync(store, "abcdee", Token));

        Assert.Equal("No run has the id 'abcdee'.", error.Message);
    }

    [Theory]
    [InlineData("abcde")]
    [InlineData("")]
    [InlineData("abcdefg")]
    [InlineData("abcdef0011223344556677889900aabb0")]
    [InlineData("abc*ef")]
    public async Task ShortOrNonHexTextIsNotARunId(string text)
    {
        var store = await ThreeRunsAsync();

        var error = await Assert.ThrowsAsync<TrackingException>(() => RunIds.ResolveAsync(store, text, Token));

        Assert.IsNotType<RunNotFoundException>(error);
        Assert.Contains("is not a run id: give the run's 32-hex id or its first 6 or more characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TablesShowEightCharacters() => Assert.Equal("abcdef00", RunIds.Short(First));
}
