using Kohonen.Imaging;
using Kohonen.Tracking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kohonen.Server;

/// <summary>Loads runs' models from the store.</summary>
internal static class ModelLoading
{
    /// <summary>The run's <c>model.som</c>, loaded, with the run and its experiment's name.</summary>
    public static async Task<ServedModel> LoadAsync(ITrackingStore store, Run run, CancellationToken cancellationToken, string? reason = null)
    {
        SomModel model;
        try
        {
            var bytes = await store.ReadArtifactAsync(run.Info.RunId, "model.som", cancellationToken).ConfigureAwait(false);
            model = SomFile.FromBytes(bytes, $"run {run.Info.RunId}: model.som");
        }
        catch (Exception e) when (e is SomFormatException or TrackingException or IOException or UnauthorizedAccessException)
        {
            throw new UnusableModelException(
                e is SomFormatException ? e.Message : $"run {run.Info.RunId}: model.som cannot be read: {e.Message}", e);
        }

        return new ServedModel(model, run, await ExperimentNameAsync(store, run, cancellationToken).ConfigureAwait(false), reason);
    }

    private static async Task<string> ExperimentNameAsync(ITrackingStore store, Run run, CancellationToken cancellationToken) =>
        (await store.GetExperimentAsync(run.Info.ExperimentId, cancellationToken).ConfigureAwait(false))?.Name ?? run.Info.ExperimentId;

    /// <summary>Trains the colour demo (the sizes of <see cref="ColorDemoDefaults"/>) as a recorded training
    /// session with its colour picture and hit map, and returns its run.</summary>
    public static async Task<Run> TrainDemoAsync(ITrackingStore store, string experiment, CancellationToken cancellationToken)
    {
        var seed = Random.Shared.Next();
        var data = SampleData.RandomColors(ColorDemoDefaults.Colors, seed);
        var demo = new SomOptions { Width = ColorDemoDefaults.Width, Height = ColorDemoDefaults.Height, Iterations = ColorDemoDefaults.Iterations, Seed = seed };
        var session = new TrainingSession(demo, DataSource.FromMatrix(data))
        {
            Recording = new RunRecording(store, experiment, "colors (first start)",
                new Dictionary<string, string> { ["data_file"] = "random colors", ["trained_by"] = "kohonen serve (empty store)" }),
            Pictures = model => TrainingPicture.DrawAll([("pictures/colors.png", () => MapPictures.ColorDemo(model, data)), ("pictures/hits.png", () => MapPictures.HitMap(model, data))]),
        };
        var outcome = await session.RunAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return await store.GetRunAsync(outcome.RunId!, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>At start: picks the run to serve with the selection rules (training and recording the colour
/// demo first when the store has no run at all) and loads its model. A failure leaves the service up,
/// without a model: <c>/health</c> says why and predictions answer 503.</summary>
internal sealed partial class ModelLoader(KohonenServerOptions options, ModelHolder holder, ILogger<ModelLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var store = options.Store;
            var explicitRun = !options.Selection.ForceBest && (options.Selection.RunId is not null || options.Selection.RunIdFile is not null);
            if (!explicitRun && options.TrainDemoWhenEmpty
                && (await store.SearchRunsAsync(new RunQuery { MaxResults = 1 }, stoppingToken).ConfigureAwait(false)).Count == 0)
            {
                LogTrainingDemo(logger);
                var demo = await ModelLoading.TrainDemoAsync(store, options.ExperimentName, stoppingToken).ConfigureAwait(false);
                LogDemoTrained(logger, demo.Info.RunId);
            }

            var choice = await ModelSelector.ChooseAsync(store, options.Selection, stoppingToken).ConfigureAwait(false);
            var run = choice.Run;
            var served = await ModelLoading.LoadAsync(store, run, stoppingToken, choice.Reason).ConfigureAwait(false);
            holder.Serve(served);
            LogServing(logger, RunIds.Short(run.Info.RunId), run.Info.RunName, choice.Reason, served.Model.Width, served.Model.Height, served.Model.Dimension);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            holder.Fail("The service is stopping.");
        }
#pragma warning disable CA1031 // Any failure to load becomes the service's stated problem, never a crash or a made-up model.
        catch (Exception e)
#pragma warning restore CA1031
        {
            holder.Fail($"No model could be loaded: {e.Message}");
            LogLoadFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The store has no runs: training the colour demo to serve.")]
    private static partial void LogTrainingDemo(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Colour demo recorded as run {RunId}.")]
    private static partial void LogDemoTrained(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving run {RunId} ({RunName}): {Reason}. A {Width}×{Height} map of {Dimension} features.")]
    private static partial void LogServing(ILogger logger, string runId, string runName, string reason, int width, int height, int dimension);

    [LoggerMessage(Level = LogLevel.Error, Message = "No model could be loaded; predictions answer 503.")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
