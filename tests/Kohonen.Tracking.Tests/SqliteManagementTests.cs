using Dapper;
using Microsoft.Data.Sqlite;

namespace Kohonen.Tracking.Tests;

/// <summary>Deleting runs with their artifacts, renaming, experiments, and upgrading a store written by
/// the first schema version.</summary>
public sealed class SqliteManagementTests : StoreFolder
{
    private static DataMatrix Colours() => new([0.1f, 0.2f, 0.3f, 0.9f, 0.8f, 0.7f, 0.5f, 0.5f, 0.1f, 0.0f, 1.0f, 0.4f], 4, 3, ["r", "g", "b"]);

    private static Task<RecordedTraining> TrainAsync(ITrackingStore store, string name) =>
        TrainingRecorder.TrainAsync(store, "colors", name, new SomTrainer(new SomOptions { Width = 3, Height = 3, Iterations = 5, Seed = 3 }), Colours(),
            new Dictionary<string, string> { ["data_file"] = "colors.csv" }, _ => [("pictures/a.png", [1, 2, 3])], cancellationToken: Token);

    [Fact]
    public async Task DeletingARunRemovesItsDataAndEveryArtifactAndLeavesOthers()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var keep = await TrainAsync(store, "keep");
        var drop = await TrainAsync(store, "drop");
        var dropFolder = Path.GetDirectoryName(await store.ArtifactPathAsync(drop.RunId, "model.som", Token))!;
        Assert.True(File.Exists(Path.Combine(dropFolder, "pictures", "a.png")));

        await store.DeleteRunAsync(drop.RunId, Token);

        Assert.False(Directory.Exists(dropFolder));
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.GetRunAsync(drop.RunId, Token));
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.DeleteRunAsync(drop.RunId, Token));
        Assert.Equal([keep.RunId], (await store.SearchRunsAsync(new RunQuery(), Token)).Select(r => r.Info.RunId));
        Assert.Equal(["model.som", "pictures/a.png"], await store.ListArtifactsAsync(keep.RunId, Token));
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Folder, "kohonen.db")}");
        foreach (var table in new[] { "metrics", "params", "tags", "runs" })
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE run_id = @id", new { id = drop.RunId }));
            Assert.NotEqual(0, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE run_id = @id", new { id = keep.RunId }));
        }
    }

    [Fact]
    public async Task RunsAndExperimentsAreRenamedAndTakenNamesRefused()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var run = await TrainAsync(store, "first");
        var other = await store.CreateExperimentAsync("other", Token);

        await store.RenameRunAsync(run.RunId, "second", Token);
        var colors = (await store.GetExperimentByNameAsync("colors", Token))!;
        await store.RenameExperimentAsync(colors.ExperimentId, "colours", Token);
        var duplicate = await Assert.ThrowsAsync<TrackingException>(() => store.CreateExperimentAsync("other", Token));
        var taken = await Assert.ThrowsAsync<TrackingException>(() => store.RenameExperimentAsync(colors.ExperimentId, "other", Token));

        Assert.Equal("second", (await store.GetRunAsync(run.RunId, Token)).Info.RunName);
        Assert.Equal([("colours", colors.ExperimentId), ("other", other.ExperimentId)], (await store.ListExperimentsAsync(Token)).Select(e => (e.Name, e.ExperimentId)));
        Assert.Equal(colors.ExperimentId, (await store.GetRunAsync(run.RunId, Token)).Info.ExperimentId);
        Assert.Equal("There is already an experiment named 'other'.", duplicate.Message);
        Assert.Equal("There is already an experiment named 'other'.", taken.Message);
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.RenameRunAsync("0123456789abcdef0123456789abcdef", "x", Token));
    }

    [Fact]
    public async Task ARecordedRunKeepsItsSchemaScalingEncoderAndErrorInTheDataUnits()
    {
        var store = SqliteTrackingStore.Open(Folder);
        var data = Colours();
        var recorded = await TrainingRecorder.TrainAsync(store, "colors", "z", new SomTrainer(new SomOptions { Width = 3, Height = 3, Iterations = 5, Seed = 3, Scaling = Scaling.ZScore }), data,
            cancellationToken: Token);

        var run = await store.GetRunAsync(recorded.RunId, Token);

        Assert.Equal(("r,g,b", "zscore", "none"), (run.Tags["feature_schema"], run.Tags["scaling"], run.Tags["encoder"]));
        // By hand: each row against its BMU's weights brought back with x = x'/factor + offset.
        var model = recorded.Model;
        var scaler = model.Scaler!;
        double sum = 0;
        for (var i = 0; i < data.Rows; i++)
        {
            var bmu = model.FindBmu(data.Row(i));
            var w = model.GetWeights(bmu.X, bmu.Y);
            double squares = 0;
            for (var j = 0; j < 3; j++)
            {
                var raw = (w[j] / (double)scaler.Factor[j]) + scaler.Offset[j];
                squares += (data[i, j] - raw) * (data[i, j] - raw);
            }

            sum += Math.Sqrt(squares);
        }

        Assert.Equal(sum / data.Rows, run.Metrics["data_quantization_error"].Value, 5);
    }

    [Fact]
    public async Task AStoreOfTheFirstSchemaIsUpgradedAndItsRunsStillChosen()
    {
        // A database as the first schema version wrote it, with one finished run and its tags.
        var database = Path.Combine(Folder, "kohonen.db");
        await using (var connection = new SqliteConnection($"Data Source={database}"))
        {
            await connection.OpenAsync(Token);
            await connection.ExecuteAsync("""
                CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, creation_time INTEGER NOT NULL);
                CREATE TABLE runs (run_id TEXT PRIMARY KEY, experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id), name TEXT NOT NULL,
                    status TEXT NOT NULL, start_time INTEGER NOT NULL, end_time INTEGER);
                CREATE INDEX runs_experiment ON runs (experiment_id, start_time);
                CREATE TABLE params (run_id TEXT NOT NULL REFERENCES runs (run_id), key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
                CREATE TABLE tags (run_id TEXT NOT NULL REFERENCES runs (run_id), key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
                CREATE TABLE metrics (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL REFERENCES runs (run_id), key TEXT NOT NULL, value REAL,
                    is_nan INTEGER NOT NULL, step INTEGER NOT NULL, timestamp INTEGER NOT NULL);
                CREATE INDEX metrics_run_key ON metrics (run_id, key, step, seq);
                INSERT INTO experiments VALUES (1, 'kohonen', 1700000000000);
                INSERT INTO runs VALUES ('0123456789abcdef0123456789abcdef', 1, 'old wine', 'FINISHED', 1700000000000, 1700000001000);
                INSERT INTO params VALUES ('0123456789abcdef0123456789abcdef', 'scaling', 'minmax');
                INSERT INTO tags VALUES ('0123456789abcdef0123456789abcdef', 'data_file', 'wine.csv'), ('0123456789abcdef0123456789abcdef', 'data_sha256', 'aa'),
                    ('0123456789abcdef0123456789abcdef', 'data_columns', '13');
                INSERT INTO metrics (run_id, key, value, is_nan, step, timestamp) VALUES ('0123456789abcdef0123456789abcdef', 'quantization_error', 0.25, 0, 100, 1700000001000);
                PRAGMA user_version = 1;
                """);
        }

        SqliteConnection.ClearAllPools();
        var store = SqliteTrackingStore.Open(Folder);

        Assert.Equal(2, store.ReadSchemaVersion());
        await using (var connection = new SqliteConnection($"Data Source={database}"))
        {
            Assert.Equal(["runs_start", "tags_key_value"], (await connection.QueryAsync<string>(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('tags_key_value', 'runs_start') ORDER BY name")).ToList());
        }

        var id = await RunIds.ResolveAsync(store, "012345", Token);
        var choice = await ModelSelector.ChooseAsync(store, new SelectionRules { ExperimentName = "kohonen" }, Token);
        var profile = RunProfile.Of(choice.Run);
        Assert.Equal("0123456789abcdef0123456789abcdef", id);
        Assert.Equal(id, choice.Run.Info.RunId);
        Assert.Equal("lowest quantization_error 0.25 of 1 comparable run on wine.csv in experiment 'kohonen'", choice.Reason);
        Assert.Equal(("13 columns", "minmax", "none"), (profile.Schema, profile.Scaling, profile.Encoder));
        Assert.True(new DataReference("wine_test.csv", "bb", null, 13).Fits(profile));
        var run = await store.CreateRunAsync("1", "new", Token);
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync(run.RunId, Token)).Info.Status);
    }
}
