using Microsoft.Data.Sqlite;

namespace Kohonen.Tracking.Tests;

/// <summary>A temporary data directory per test, removed afterwards (SQLite's pooled connections
/// closed first so the database file can go).</summary>
public abstract class StoreFolder : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory("kohonen-tracking-tests-").FullName;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
