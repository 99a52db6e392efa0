using System.Collections.Concurrent;
using Kohonen.Imaging;
using Kohonen.Tracking;

namespace Kohonen.Server;

/// <summary>A training started through the API, while this process lives.</summary>
internal sealed class TrainingJob(string runId, int totalIterations, CancellationTokenSource cancellation)
{
    private volatile TrainingProgress? _progress;
    private volatile int _status = (int)RunStatus.Running;

    public string RunId { get; } = runId;

    public int TotalIterations { get; } = totalIterations;

    public CancellationTokenSource Cancellation { get; } = cancellation;

    public TrainingProgress? Progress => _progress;

    /// <summary>Where the training is (the store's run catches up when the recorder has ended it).</summary>
    public RunStatus Status => (RunStatus)_status;

    public string? Error { get; private set; }

    /// <summary>Completes when the training has ended and its run is recorded.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    public void Report(TrainingProgress progress) => _progress = progress;

    public void End(RunStatus status, string? error = null)
    {
        Error = error;
        _status = (int)status;
    }
}

/// <summary>The trainings started in this process (at most <see cref="KohonenServerOptions.MaxConcurrentTrainings"/>
/// running at once), each cancellable; the <see cref="Kept"/> latest are remembered for their progress.</summary>
internal sealed class TrainingJobs(KohonenServerOptions options, ModelHolder holder) : IDisposable, IAsyncDisposable
{
    /// <summary>Ended trainings remembered at most (a forgotten one is still in the store).</summary>
    public const int Kept = 100;

    private readonly ConcurrentDictionary<string, TrainingJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentTrainings, options.MaxConcurrentTrainings);

    public TrainingJob? Find(string runId) => _jobs.TryGetValue(runId, out var job) ? job : null;

    /// <summary>Starts a training session (recorded as a run, measuring a training curve, drawing the
    /// U-matrix, the hit map and, for three features, the RGB picture); null when every slot is taken.
    /// Returns once the run exists. With <paramref name="activate"/> the trained map is served when
    /// the run is recorded.</summary>
    public async Task<TrainingJob?> StartAsync(SomOptions somOptions, DataMatrix data, string runName, bool activate, IReadOnlyDictionary<string, string> tags, string? dataFile = null)
    {
        if (!_slots.Wait(0))
        {
            return null;
        }

        var cancellation = new CancellationTokenSource();
        var created = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        TrainingJob? job = null;
        var session = new TrainingSession(somOptions, DataSource.FromMatrix(data))
        {
            MeasureCurve = true,
            KeepHits = true,
            Recording = new RunRecording(options.Store, options.ExperimentName, runName, tags),
            Pictures = model => Pictures(model, data),
            // A batch training on a .npy file fits across the cluster when one is configured.
            Fitter = options.ClusterFit is { } fit && dataFile is not null && somOptions.Algorithm == TrainingAlgorithm.Batch
                && string.Equals(Path.GetExtension(dataFile), ".npy", StringComparison.OrdinalIgnoreCase)
                    ? (o, p, c) => fit(o, dataFile, data.ColumnNames, p, c)
                    : null,
            Started = id =>
            {
                job = new TrainingJob(id, somOptions.Iterations, cancellation);
                _jobs[id] = job;
                Forget();
                _order.Enqueue(id);
                created.TrySetResult(id);
            },
        };
        var training = Task.Run(async () =>
        {
            try
            {
                var outcome = await session.RunAsync(new ProgressCallback(p => job?.Report(p)), cancellation.Token).ConfigureAwait(false);
                if (activate)
                {
                    var run = await options.Store.GetRunAsync(outcome.RunId!, CancellationToken.None).ConfigureAwait(false);
                    holder.Serve(new ServedModel(outcome.Model, run, options.ExperimentName));
                }

                job!.End(RunStatus.Finished);
            }
            catch (OperationCanceledException)
            {
                job?.End(RunStatus.Killed, "Cancelled.");
            }
#pragma warning disable CA1031 // The job's failure is reported through its status, never thrown into the void.
            catch (Exception e)
#pragma warning restore CA1031
            {
                job?.End(RunStatus.Failed, e.Message);
                created.TrySetException(e);
            }
            finally
            {
                _slots.Release();
            }
        });
        await created.Task.ConfigureAwait(false);
        job!.Completion = training;
        return job;
    }

    /// <summary>Drops the oldest ended jobs beyond <see cref="Kept"/>; running ones are never dropped.</summary>
    private void Forget()
    {
        var excess = _jobs.Count - Kept;
        for (var i = 0; i < excess && _order.TryPeek(out var oldest); i++)
        {
            if (_jobs.TryGetValue(oldest, out var job) && !job.Completion.IsCompleted)
            {
                return;
            }

            _order.TryDequeue(out _);
            if (_jobs.TryRemove(oldest, out var removed))
            {
                removed.Cancellation.Dispose();
            }
        }
    }

    private static TrainingPicture[] Pictures(SomModel model, DataMatrix data)
    {
        var drawings = new List<(string, Func<byte[]>)>
        {
            ("pictures/umatrix.png", () => MapPictures.UMatrix(model)),
            ("pictures/hits.png", () => MapPictures.HitMap(model, data)),
        };
        if (model.Dimension == 3)
        {
            drawings.Add(("pictures/rgb.png", () => MapPictures.RgbMap(model)));
        }

        return TrainingPicture.DrawAll(drawings);
    }

    /// <summary>Cancels the trainings still running, without waiting for them; <see cref="DisposeAsync"/>
    /// also waits.</summary>
    public void Dispose()
    {
        foreach (var job in _jobs.Values)
        {
            job.Cancellation.Cancel();
        }
    }

    /// <summary>Cancels the trainings still running and waits (up to 30 s) for their runs to be marked KILLED.</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        try
        {
            await Task.WhenAll(_jobs.Values.Select(j => j.Completion)).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A training that does not stop in time is left to the process's end.
        }

        foreach (var job in _jobs.Values)
        {
            job.Cancellation.Dispose();
        }

        _jobs.Clear();
        _slots.Dispose();
    }
}
