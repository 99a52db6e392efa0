using Kohonen.Tracking;
using Microsoft.Data.Sqlite;

namespace Kohonen.Server.Tests;

/// <summary>A store with two finished colour runs (the better one by QE: <see cref="Best"/>), trained once
/// for a test class; and a z-scored 4-feature run.</summary>
public sealed class TrainedStore : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("kohonen-server-store-").FullName;

    public SqliteTrackingStore Store { get; private set; } = null!;

    public DataMatrix Colors { get; } = SampleData.RandomColors(40, 7);

    /// <summary>The 12×10 colour run (lower QE).</summary>
    public RecordedTraining Best { get; private set; } = null!;

    /// <summary>The 3×2 colour run.</summary>
    public RecordedTraining Small { get; private set; } = null!;

    /// <summary>A 6×5 map of 4 features with z-score scaling.</summary>
    public RecordedTraining Scaled { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Store = SqliteTrackingStore.Open(Folder);
        Best = await TrainingRecorder.TrainAsync(Store, "colors", "best", new SomTrainer(new SomOptions { Width = 12, Height = 10, Iterations = 60, Seed = 1 }), Colors,
            artifacts: m => [("pictures/hits.png", Kohonen.Imaging.MapPictures.HitMap(m, Colors))]);
        Small = await TrainingRecorder.TrainAsync(Store, "colors", "small", new SomTrainer(new SomOptions { Width = 3, Height = 2, Iterations = 60, Seed = 1, Sigma = 1.5 }), Colors);
        var four = new DataMatrix([.. Enumerable.Range(0, 120).Select(i => (float)(i % 7 * 10 + i % 4))], 30, 4, ["a", "b", "c", "d"]);
        Scaled = await TrainingRecorder.TrainAsync(Store, "other", "scaled", new SomTrainer(new SomOptions { Width = 6, Height = 5, Iterations = 30, Seed = 2, Scaling = Scaling.ZScore }), four);
        Assert.True(Best.Model.QuantizationError(Colors) < Small.Model.QuantizationError(Colors));
    }

    /// <summary>The nearest node by plain arithmetic over the codebook (the reference for the API's answers).</summary>
    public static (int X, int Y, float Distance) Nearest(SomModel model, float[] input)
    {
        var scaled = input.ToArray();
        if (model.Scaler is { } scaler)
        {
            scaler.Transform(input, scaled);
        }

        var (best, bestD2) = (-1, double.MaxValue);
        for (var node = 0; node < model.Width * model.Height; node++)
        {
            double d2 = 0;
            for (var f = 0; f < model.Dimension; f++)
            {
                var d = (double)scaled[f] - model.Codebook[node * model.Dimension + f];
                d2 += d * d;
            }

            if (d2 < bestD2)
            {
                (best, bestD2) = (node, d2);
            }
        }

        return (best % model.Width, best / model.Width, (float)Math.Sqrt(bestD2));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
