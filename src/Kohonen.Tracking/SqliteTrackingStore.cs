using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Kohonen.Tracking;

/// <summary>
/// The embedded store: one SQLite database (<c>kohonen.db</c>, write-ahead log) and an artifact folder
/// (<c>artifacts/EXPERIMENT/RUN/…</c>) under one data directory. Any number of stores, in one process
/// or several, may use the same directory at once: writes are transactions, and a writer that finds
/// the database busy waits (up to the command timeout) rather than failing. The schema is versioned
/// (<c>PRAGMA user_version</c>) and migrated forward when the store opens; a database written by a
/// newer version is refused.
/// </summary>
public sealed class SqliteTrackingStore : ITrackingStore
{
    /// <summary>The schema version this build writes.</summary>
    public const int SchemaVersion = 2;

    /// <summary>The migrations, in order: index i brings the schema from version i to i + 1.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE experiments (
            experiment_id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            creation_time INTEGER NOT NULL);
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER);
        CREATE INDEX runs_experiment ON runs (experiment_id, start_time);
        CREATE TABLE params (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE tags (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE metrics (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value REAL,
            is_nan INTEGER NOT NULL,
            step INTEGER NOT NULL,
            timestamp INTEGER NOT NULL);
        CREATE INDEX metrics_run_key ON metrics (run_id, key, step, seq);
        """,
        // 2: runs found by tag (the data fingerprint and feature schema that make runs comparable), and
        // the run id prefixes people type, found by a range over the primary key (GLOB uses the index).
        """
        CREATE INDEX tags_key_value ON tags (key, value);
        CREATE INDEX runs_start ON runs (start_time);
        """,
    ];

    private readonly string _connectionString;

    private SqliteTrackingStore(string dataDirectory, string connectionString)
    {
        DataDirectory = dataDirectory;
        _connectionString = connectionString;
    }

    /// <summary>The data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Opens (creating and migrating as needed) the store in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="TrackingException">The database was written by a newer version.</exception>
    public static SqliteTrackingStore Open(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var full = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(full);
        Directory.CreateDirectory(Path.Combine(full, "artifacts"));
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(full, "kohonen.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        var store = new SqliteTrackingStore(full, connectionString);
        try
        {
            store.Migrate();
        }
        catch (SqliteException e)
        {
            throw Failure(full, e);
        }

        return store;
    }

    /// <summary>
    /// The store in <paramref name="dataDirectory"/> without opening its database, for a service that
    /// stays up when <see cref="Open"/> failed: every operation opens the database again and fails with
    /// a <see cref="TrackingStoreException"/> (naming the folder and the reason) while it cannot be used.
    /// </summary>
    public static SqliteTrackingStore Unopened(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var full = Path.GetFullPath(dataDirectory);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(full, "kohonen.db"),
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        return new SqliteTrackingStore(full, connectionString);
    }

    /// <summary>The schema version of the database.</summary>
    public int ReadSchemaVersion()
    {
        try
        {
            using var connection = Connect();
            return connection.ExecuteScalar<int>("PRAGMA user_version");
        }
        catch (SqliteException e)
        {
            throw Failure(e);
        }
    }

    private void Migrate()
    {
        using var connection = Connect();
        connection.Execute("PRAGMA journal_mode = WAL");
        // IMMEDIATE: two processes opening a new store at once migrate one after the other.
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = connection.ExecuteScalar<int>("PRAGMA user_version", transaction: transaction);
        if (version > SchemaVersion)
        {
            throw new TrackingException(
                $"The store in '{DataDirectory}' has schema version {version}, written by a newer version of Kohonen; this build reads up to version {SchemaVersion}.");
        }

        for (; version < SchemaVersion; version++)
        {
            connection.Execute(Migrations[version], transaction: transaction);
            connection.Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version + 1}"), transaction: transaction);
        }

        transaction.Commit();
    }

    /// <summary>Runs a store operation, turning SQLite's failures into a <see cref="TrackingStoreException"/>
    /// that names the store and says what went wrong in words.</summary>
    private async Task<T> GuardedAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Failure(e);
        }
    }

    private async Task GuardedAsync(Func<Task> operation)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Failure(e);
        }
    }

    private TrackingStoreException Failure(SqliteException e) => Failure(DataDirectory, e);

    private static TrackingStoreException Failure(string directory, SqliteException e)
    {
        // The primary result code is the low byte of an extended one.
        var what = (e.SqliteErrorCode & 0xFF) switch
        {
            13 => "the disk is full",
            8 => "the database is read-only (check the folder's and kohonen.db's permissions, or the file system)",
            11 or 26 => "the database file is damaged or is not a SQLite database",
            10 => "a disk input/output error occurred",
            14 => "the database file cannot be opened",
            3 or 23 => "access to the database is denied",
            5 or 6 => "the database stayed locked by another process",
            _ => "the database refused the operation",
        };
        var colon = e.Message.IndexOf(": ", StringComparison.Ordinal);
        var detail = (colon >= 0 ? e.Message[(colon + 2)..] : e.Message).TrimEnd('.');
        return new TrackingStoreException(directory, $"The store in '{directory}' cannot be used: {what} (SQLite error {e.SqliteErrorCode}: {detail}).", e);
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        connection.Execute("PRAGMA foreign_keys = ON");
        return connection;
    }

    /// <inheritdoc />
    public Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken = default) => GuardedAsync<Experiment>(async () =>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = Connect();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO experiments (name, creation_time) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING",
            new { name, now = Now() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (await GetExperimentByNameAsync(connection, name, cancellationToken).ConfigureAwait(false))!;
    });

    /// <inheritdoc />
    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default) => GuardedAsync<Experiment?>(async () =>
    {
        await using var connection = Connect();
        return await GetExperimentByNameAsync(connection, name, cancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc />
    public Task<Experiment?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default) => GuardedAsync<Experiment?>(async () =>
    {
        if (!long.TryParse(experimentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        await using var connection = Connect();
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, string Name, long Created)?>(new CommandDefinition(
            "SELECT experiment_id, name, creation_time FROM experiments WHERE experiment_id = @id", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is { } r ? new Experiment(r.Id.ToString(CultureInfo.InvariantCulture), r.Name, DateTimeOffset.FromUnixTimeMilliseconds(r.Created)) : null;
    });

    private static async Task<Experiment?> GetExperimentByNameAsync(SqliteConnection connection, string name, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, string Name, long Created)?>(new CommandDefinition(
            "SELECT experiment_id, name, creation_time FROM experiments WHERE name = @name", new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is { } r ? new Experiment(r.Id.ToString(CultureInfo.InvariantCulture), r.Name, DateTimeOffset.FromUnixTimeMilliseconds(r.Created)) : null;
    }

    /// <inheritdoc />
    public Task<RunInfo> CreateRunAsync(string experimentId, string runName, CancellationToken cancellationToken = default) => GuardedAsync<RunInfo>(async () =>
    {
        ArgumentNullException.ThrowIfNull(runName);
        var run = new RunInfo(Guid.NewGuid().ToString("N"), experimentId, runName, RunStatus.Running, Now(), null);
        await using var connection = Connect();
        try
        {
            // The run and its owner in one transaction: a process killed at any moment leaves no
            // RUNNING run that cannot be told from a live one (see RunOwner).
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO runs (run_id, experiment_id, name, status, start_time) VALUES (@RunId, @ExperimentId, @RunName, @status, @StartTime)",
                new { run.RunId, ExperimentId = long.Parse(experimentId, CultureInfo.InvariantCulture), run.RunName, status = run.Status.ToName(), run.StartTime },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO tags (run_id, key, value) VALUES (@RunId, @Key, @Value)",
                RunOwner.CurrentTags().Select(t => new { run.RunId, t.Key, t.Value }), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new TrackingException($"No experiment has the id '{experimentId}'.", e);
        }
        catch (FormatException e)
        {
            throw new TrackingException($"No experiment has the id '{experimentId}'.", e);
        }

        return run;
    });

    /// <inheritdoc />
    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default) => GuardedAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await using var connection = Connect();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
        foreach (var (key, value) in parameters)
        {
            var existing = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT value FROM params WHERE run_id = @runId AND key = @key", new { runId, key }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (existing is not null && existing != value)
            {
                throw new TrackingException($"Param '{key}' of run {runId} is '{existing}'; a param cannot change (tried '{value}').");
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO params (run_id, key, value) VALUES (@runId, @key, @value) ON CONFLICT DO NOTHING",
                new { runId, key, value }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc />
    public Task LogMetricsAsync(string runId, IReadOnlyList<Metric> metrics, CancellationToken cancellationToken = default) => GuardedAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(metrics);
        await using var connection = Connect();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO metrics (run_id, key, value, is_nan, step, timestamp) VALUES (@runId, @Key, @Value, @IsNan, @Step, @Timestamp)",
            metrics.Select(m => new { runId, m.Key, Value = double.IsNaN(m.Value) ? (double?)null : m.Value, IsNan = double.IsNaN(m.Value) ? 1 : 0, m.Step, m.Timestamp }),
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc />
    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default) => GuardedAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(tags);
        await using var connection = Connect();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO tags (run_id, key, value) VALUES (@runId, @Key, @Value) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
            tags.Select(t => new { runId, t.Key, t.Value }), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc />
    public Task EndRunAsync(string runId, RunStatus status, CancellationToken cancellationToken = default) => GuardedAsync(async () =>
    {
        if (status == RunStatus.Running)
        {
            throw new ArgumentException("A run ends as Finished, Failed or Killed.", nameof(status));
        }

        await using var connection = Connect();
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE runs SET status = @status, end_time = @now WHERE run_id = @runId",
            new { runId, status = status.ToName(), now = Now() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (changed == 0)
        {
            throw new RunNotFoundException(runId);
        }
    });

    /// <inheritdoc />
    public Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default) => GuardedAsync<Run>(async () =>
    {
        await using var connection = Connect();
        var runs = await LoadRunsAsync(connection, "WHERE r.run_id = @runId", new { runId }, cancellationToken).ConfigureAwait(false);
        return runs.Count == 1 ? runs[0] : throw new RunNotFoundException(runId);
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<Metric>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default) => GuardedAsync<IReadOnlyList<Metric>>(async () =>
    {
        await using var connection = Connect();
        await EnsureRunAsync(connection, null, runId, cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<MetricRow>(new CommandDefinition(
            "SELECT run_id AS RunId, key AS Key, value AS Value, is_nan AS IsNan, step AS Step, timestamp AS Timestamp FROM metrics WHERE run_id = @runId AND key = @key ORDER BY step, seq",
            new { runId, key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToMetric())];
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken = default) => GuardedAsync<IReadOnlyList<Run>>(async () =>
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MaxResults is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.MaxResults, "MaxResults must be in 1..10000.");
        }

        var where = new List<string>();
        var args = new DynamicParameters();
        if (query.ExperimentIds is { } ids)
        {
            where.Add("r.experiment_id IN @ids");
            args.Add("ids", ids.Select(i => long.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray());
        }

        if (query.Status is { } status)
        {
            where.Add("r.status = @status");
            args.Add("status", status.ToName());
        }

        await using var connection = Connect();
        var runs = await LoadRunsAsync(connection, where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where), args, cancellationToken).ConfigureAwait(false);
        IEnumerable<Run> ordered = query.OrderByMetric is { } metric
            ? runs.OrderBy(r => r.Metrics.ContainsKey(metric) && !double.IsNaN(r.Metrics[metric].Value) ? 0 : 1)
                .ThenBy(r => r.Metrics.TryGetValue(metric, out var m) ? (query.Ascending ? m.Value : -m.Value) : 0)
                .ThenByDescending(r => r.Info.StartTime)
                .ThenBy(r => r.Info.RunId, StringComparer.Ordinal)
            : runs.OrderByDescending(r => r.Info.StartTime).ThenBy(r => r.Info.RunId, StringComparer.Ordinal);
        return [.. ordered.Take(query.MaxResults)];
    });

    /// <inheritdoc />
    public Task LogArtifactAsync(string runId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => GuardedAsync(async () =>
    {
        var target = await ArtifactPathAsync(runId, path, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var bytes = content.ToArray();
        await Task.Run(() => AtomicFile.WriteAllBytes(target, bytes), cancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc />
    public Task<byte[]> ReadArtifactAsync(string runId, string path, CancellationToken cancellationToken = default) => GuardedAsync<byte[]>(async () =>
    {
        var target = await ArtifactPathAsync(runId, path, cancellationToken).ConfigureAwait(false);
        return File.Exists(target)
            ? await File.ReadAllBytesAsync(target, cancellationToken).ConfigureAwait(false)
            : throw new TrackingException($"Run {runId} has no artifact '{path}'.");
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default) => GuardedAsync<IReadOnlyList<string>>(async () =>
    {
        var root = await RunArtifactRootAsync(runId, cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(root))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).Contains(AtomicFile.TemporaryInfix, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default) => GuardedAsync<IReadOnlyList<Experiment>>(async () =>
    {
        await using var connection = Connect();
        var rows = await connection.QueryAsync<(long Id, string Name, long Created)>(new CommandDefinition(
            "SELECT experiment_id, name, creation_time FROM experiments", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new Experiment(r.Id.ToString(CultureInfo.InvariantCulture), r.Name, DateTimeOffset.FromUnixTimeMilliseconds(r.Created)))
            .OrderBy(e => e.Name, StringComparer.Ordinal)];
    });

    /// <inheritdoc />
    public Task<Experiment> CreateExperimentAsync(string name, CancellationToken cancellationToken = default) => GuardedAsync<Experiment>(async () =>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = Connect();
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO experiments (name, creation_time) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING",
            new { name, now = Now() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return inserted == 1
            ? (await GetExperimentByNameAsync(connection, name, cancellationToken).ConfigureAwait(false))!
            : throw new TrackingException($"There is already an experiment named '{name}'.");
    });

    /// <inheritdoc />
    public Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default) => GuardedAsync(async () =>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(newName);
        if (!long.TryParse(experimentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new TrackingException($"No experiment has the id '{experimentId}'.");
        }

        await using var connection = Connect();
        int changed;
        try
        {
            changed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE experiments SET name = @newName WHERE experiment_id = @id", new { id, newName }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new TrackingException($"There is already an experiment named '{newName}'.", e);
        }

        if (changed == 0)
        {
            throw new TrackingException($"No experiment has the id '{experimentId}'.");
        }
    });

    /// <inheritdoc />
    public Task RenameRunAsync(string runId, string newName, CancellationToken cancellationToken = default) => GuardedAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(newName);
        await using var connection = Connect();
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE runs SET name = @newName WHERE run_id = @runId", new { runId, newName }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (changed == 0)
        {
            throw new RunNotFoundException(runId);
        }
    });

    /// <inheritdoc />
    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default) => GuardedAsync(async () =>
    {
        var root = await RunArtifactRootAsync(runId, cancellationToken).ConfigureAwait(false);
        await using (var connection = Connect())
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var table in (string[])["metrics", "params", "tags", "runs"])
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM {table} WHERE run_id = @runId", new { runId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The run is gone from the database first: a crash here leaves files no run points to, never a
        // run without its model.
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindRunIdsAsync(string prefix, int maxResults, CancellationToken cancellationToken = default) => GuardedAsync<IReadOnlyList<string>>(async () =>
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        if (!prefix.All(char.IsAsciiHexDigitLower))
        {
            return [];
        }

        await using var connection = Connect();
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT run_id FROM runs WHERE run_id GLOB @pattern ORDER BY run_id LIMIT @maxResults",
            new { pattern = prefix + "*", maxResults }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. ids];
    });

    /// <summary>The file of an artifact (see <see cref="ArtifactPaths"/> for the names allowed).</summary>
    internal Task<string> ArtifactPathAsync(string runId, string path, CancellationToken cancellationToken) => GuardedAsync<string>(async () =>
    {
        var segments = ArtifactPaths.Split(path);
        var root = await RunArtifactRootAsync(runId, cancellationToken).ConfigureAwait(false);
        return Path.Combine([root, .. segments]);
    });

    private async Task<string> RunArtifactRootAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = Connect();
        var experiment = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT experiment_id FROM runs WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return experiment is { } id
            ? Path.Combine(DataDirectory, "artifacts", id.ToString(CultureInfo.InvariantCulture), runId)
            : throw new RunNotFoundException(runId);
    }

    private static async Task EnsureRunAsync(SqliteConnection connection, SqliteTransaction? transaction, string runId, CancellationToken cancellationToken)
    {
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM runs WHERE run_id = @runId", new { runId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (exists == 0)
        {
            throw new RunNotFoundException(runId);
        }
    }

    /// <summary>The runs <paramref name="where"/> selects (a WHERE clause over <c>runs r</c>, or empty),
    /// with their params, tags and latest metrics: four queries whatever the number of runs.</summary>
    private async Task<List<Run>> LoadRunsAsync(SqliteConnection connection, string where, object args, CancellationToken cancellationToken)
    {
        var infos = (await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"SELECT r.run_id AS RunId, r.experiment_id AS ExperimentId, r.name AS Name, r.status AS Status, r.start_time AS StartTime, r.end_time AS EndTime FROM runs r {where}",
            args, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        if (infos.Count == 0)
        {
            return [];
        }

        async Task<Dictionary<string, Dictionary<string, string>>> PairsAsync(string table)
        {
            var rows = await connection.QueryAsync<(string RunId, string Key, string Value)>(new CommandDefinition(
                $"SELECT t.run_id, t.key, t.value FROM {table} t JOIN runs r ON r.run_id = t.run_id {where}", args, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var byRun = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            foreach (var (runId, key, value) in rows)
            {
                (byRun.TryGetValue(runId, out var pairs) ? pairs : byRun[runId] = new Dictionary<string, string>(StringComparer.Ordinal))[key] = value;
            }

            return byRun;
        }

        var parameters = await PairsAsync("params").ConfigureAwait(false);
        var tags = await PairsAsync("tags").ConfigureAwait(false);
        // The latest value of each key: the highest step, the last logged at that step.
        var metricRows = await connection.QueryAsync<MetricRow>(new CommandDefinition(
            $"""
            SELECT m.run_id AS RunId, m.key AS Key, m.value AS Value, m.is_nan AS IsNan, m.step AS Step, m.timestamp AS Timestamp
            FROM (SELECT DISTINCT k.run_id, k.key FROM metrics k JOIN runs r ON r.run_id = k.run_id {where}) keys
            JOIN metrics m ON m.seq = (
                SELECT m2.seq FROM metrics m2 WHERE m2.run_id = keys.run_id AND m2.key = keys.key ORDER BY m2.step DESC, m2.seq DESC LIMIT 1)
            """, args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var metrics = new Dictionary<string, Dictionary<string, Metric>>(StringComparer.Ordinal);
        foreach (var row in metricRows)
        {
            (metrics.TryGetValue(row.RunId, out var latest) ? latest : metrics[row.RunId] = new Dictionary<string, Metric>(StringComparer.Ordinal))[row.Key] = row.ToMetric();
        }

        return [.. infos.Select(info => new Run(info.ToInfo(DataDirectory),
            parameters.GetValueOrDefault(info.RunId) ?? new Dictionary<string, string>(StringComparer.Ordinal),
            metrics.GetValueOrDefault(info.RunId) ?? new Dictionary<string, Metric>(StringComparer.Ordinal),
            tags.GetValueOrDefault(info.RunId) ?? new Dictionary<string, string>(StringComparer.Ordinal)))];
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed record RunRow(string RunId, long ExperimentId, string Name, string Status, long StartTime, long? EndTime)
    {
        public RunInfo ToInfo(string directory) => new(RunId, ExperimentId.ToString(CultureInfo.InvariantCulture), Name,
            Status.ToUpperInvariant() switch
            {
                "RUNNING" => RunStatus.Running,
                "FINISHED" => RunStatus.Finished,
                "FAILED" => RunStatus.Failed,
                "KILLED" => RunStatus.Killed,
                _ => throw new TrackingStoreException(directory,
                    $"The store in '{directory}' is damaged: run {RunId} has the status '{Printable(Status)}'; a status is RUNNING, FINISHED, FAILED or KILLED. Delete the run (kohonen runs delete) or repair kohonen.db."),
            },
            StartTime, EndTime);

        private static string Printable(string text) =>
            string.Concat(text.Take(40).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }

    private sealed record MetricRow(string RunId, string Key, double? Value, long IsNan, long Step, long Timestamp)
    {
        public Metric ToMetric() => new(Key, IsNan != 0 ? double.NaN : Value ?? double.NaN, Step, Timestamp);
    }
}
