namespace Kohonen.Cli.Tests;

/// <summary>A temporary folder per test, removed afterwards.</summary>
public abstract class ScratchFolder : IDisposable
{
    protected ScratchFolder() => Folder = Directory.CreateTempSubdirectory("kohonen-cli-tests-").FullName;

    protected string Folder { get; }

    protected string PathOf(string name) => Path.Combine(Folder, name);

    protected string WriteFile(string name, string content)
    {
        var path = PathOf(name);
        File.WriteAllText(path, content);
        return path;
    }

    public virtual void Dispose()
    {
        // A store in the folder may still have pooled SQLite connections open.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
