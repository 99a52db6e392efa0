using Kohonen.Server.Api;
using Kohonen.Tracking;

namespace Kohonen.Server.Tests;

/// <summary>What the service remembers stays bounded: drawn pictures and ended training jobs.</summary>
public sealed class BoundsTests(TrainedStore trained) : IClassFixture<TrainedStore>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePictureCacheKeepsOnlyTheLatestDrawn()
    {
        var cache = new MapPictureCache(new KohonenServerOptions { Store = trained.Store }, capacity: 2);

        foreach (var run in new[] { trained.Best, trained.Small, trained.Scaled })
        {
            var png = await cache.GetAsync(run.RunId, "umatrix");
            Assert.NotNull(png);
            Assert.True(cache.Count <= 2, $"{cache.Count} pictures held");
        }

        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task EndedJobsBeyondTheLimitAreForgottenButStayInTheStore()
    {
        var options = new KohonenServerOptions { Store = trained.Store, ExperimentName = "bounds" };
        await using var jobs = new TrainingJobs(options, new ModelHolder());
        var data = SampleData.RandomColors(4, 1);
        var ids = new List<string>();
        for (var i = 0; i < TrainingJobs.Kept + 3; i++)
        {
            var job = await jobs.StartAsync(new SomOptions { Width = 2, Height = 1, Iterations = 1, Seed = i, Sigma = 1.5 }, data, $"job {i}", activate: false, new Dictionary<string, string>());
            Assert.NotNull(job);
            await job.Completion;
            ids.Add(job.RunId);
        }

        Assert.Null(jobs.Find(ids[0]));
        Assert.Null(jobs.Find(ids[1]));
        Assert.NotNull(jobs.Find(ids[^1]));
        Assert.Equal(RunStatus.Finished, (await trained.Store.GetRunAsync(ids[0], Token)).Info.Status);
    }
}
