using Kohonen.Tracking.Mlflow;

namespace Kohonen.Tracking.Tests.Mlflow;

/// <summary>Against a real MLflow server: runs only when MLFLOW_TRACKING_URI is an http(s) address,
/// and is reported as skipped otherwise (no MLflow server can run on the project's build machines).</summary>
public sealed class MlflowLiveTests
{
    [Fact]
    public async Task TrainLogAndReadBackOnARealServer()
    {
        var address = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI");
        Assert.SkipUnless(address is not null && (address.StartsWith("http://", StringComparison.Ordinal) || address.StartsWith("https://", StringComparison.Ordinal)),
            "MLFLOW_TRACKING_URI is not set to an http(s) MLflow server.");
        var token = TestContext.Current.CancellationToken;
        using var store = new MlflowTrackingStore(new MlflowClientOptions
        {
            TrackingUri = new Uri(address!),
            Token = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_TOKEN"),
            Username = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_USERNAME"),
            Password = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_PASSWORD"),
        });
        var random = new Random(1);
        var data = new DataMatrix([.. Enumerable.Range(0, 60).Select(_ => (float)random.NextDouble())], 20, 3, ["red", "green", "blue"]);

        var recorded = await TrainingRecorder.TrainAsync(store, "kohonen-live-test", "live", new SomTrainer(new SomOptions { Width = 5, Height = 5, Iterations = 20, MetricsEvery = 5, Seed = 1 }), data, cancellationToken: token);

        var run = await store.GetRunAsync(recorded.RunId, token);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Equal(4, (await store.GetMetricHistoryAsync(recorded.RunId, "quantization_error", token)).Count);
        var model = SomFile.FromBytes(await store.ReadArtifactAsync(recorded.RunId, "model.som", token), "model.som");
        Assert.Equal(recorded.Model.Codebook.ToArray(), model.Codebook.ToArray());
    }
}
