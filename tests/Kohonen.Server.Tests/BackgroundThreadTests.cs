using Kohonen.Server.Api;

namespace Kohonen.Server.Tests;

/// <summary>The keyless colour demo trains on a thread of its own at the lowest priority, so that
/// predictions take the processor first; the caller's own priority is left alone.</summary>
public sealed class BackgroundThreadTests
{
    [Fact]
    public async Task TheWorkRunsOnAnotherThreadAtTheLowestPriority()
    {
        var callerThread = Environment.CurrentManagedThreadId;
        var callerNice = BackgroundThread.CurrentLinuxNice();

        var (thread, nice, name) = await BackgroundThread.RunAsync("demo test", () =>
            (Environment.CurrentManagedThreadId, BackgroundThread.CurrentLinuxNice(), Thread.CurrentThread.Name));

        Assert.NotEqual(callerThread, thread);
        Assert.Equal("demo test", name);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(BackgroundThread.LinuxNice, nice);
            Assert.Equal(callerNice, BackgroundThread.CurrentLinuxNice());
            Assert.NotEqual(BackgroundThread.LinuxNice, callerNice);
        }
    }

    [Fact]
    public async Task AnErrorOfTheWorkReachesTheCaller()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BackgroundThread.RunAsync<int>("demo test", () => throw new InvalidOperationException("broken on purpose")));
        Assert.Equal("broken on purpose", error.Message);
    }

    [Fact]
    public async Task ACancelledWorkEndsCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var task = BackgroundThread.RunAsync<int>("demo test", () =>
        {
            cancelled.Token.ThrowIfCancellationRequested();
            return 1;
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(task.IsCanceled);
    }
}
