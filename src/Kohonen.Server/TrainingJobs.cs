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
internal sealed class TrainingJobs(KohonenServerOptions options, ModelHolder holder) : IDisposable
{
    /// <summary>Ended trainings remembered at most (a forgotten one is still in the store).</summary>
    public const int Kept = 100;

    private readonly ConcurrentDictionary<string, TrainingJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentTrainings, options.MaxConcurrentTrainings);

    public TrainingJob? Find(string runId) => _jobs.TryGetValue(runId, out var job) ? job : null;

    /// <summary>Starts a training; null when every slot is taken. Returns once the run exists.</summary>
    public async Task<TrainingJob?> StartAsync(SomOptions somOptions, DataMatrix data, string runName, bool activate, IReadOnlyDictionary<string, string> tags)
    {
        if (!_slots.Wait(0))
        {
            return null;
        }

        var cancellation = new CancellationTokenSource();
        var created = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        TrainingJob? job = null;
        var training = Task.Run(async () =>
        {
            try
            {
                var recorded = await TrainingRecorder.TrainAsync(options.Store, options.ExperimentName, runName, new SomTrainer(somOptions), data, tags,
                    model => Pictures(model, data),
                    new ProgressCallback(p => job?.Report(p)),
                    id =>
                    {
                        job = new TrainingJob(id, somOptions.Iterations, cancellation);
                        _jobs[id] = job;
                        Forget();
                        _order.Enqueue(id);
                        created.TrySetResult(id);
                    },
                    cancellation.Token).ConfigureAwait(false);
                if (activate)
                {
                    var run = await options.Store.GetRunAsync(recorded.RunId, CancellationToken.None).ConfigureAwait(false);
                    holder.Serve(await ModelLoading.LoadAsync(options.Store, run, CancellationToken.None).ConfigureAwait(false));
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

    private static IEnumerable<(string, byte[])> Pictures(Kohonen.SomModel model, DataMatrix data)
    {
        yield return ("pictures/umatrix.png", MapPictures.UMatrix(model));
        yield return ("pictures/hits.png", MapPictures.HitMap(model, data));
        if (model.Dimension == 3)
        {
            yield return ("pictures/rgb.png", MapPictures.RgbMap(model));
        }
    }

    /// <summary>Cancels the trainings still running and waits (up to 30 s) for their runs to be marked KILLED.</summary>
    public void Dispose()
    {
        foreach (var job in _jobs.Values)
        {
            job.Cancellation.Cancel();
        }

        Task.WaitAll([.. _jobs.Values.Select(j => j.Completion)], TimeSpan.FromSeconds(30));
        foreach (var job in _jobs.Values)
        {
            job.Cancellation.Dispose();
        }

        _slots.Dispose();
    }
}
