using System.Runtime.InteropServices;

namespace Kohonen.Server.Api;

/// <summary>
/// Runs work that anyone may ask for (the keyless colour demo) on a thread of its own at the lowest
/// scheduling priority the operating system gives a thread, so that the requests that share the
/// machine with it (predictions) take the processor first whenever they need it. On Linux a thread's
/// nice value is its own (set with <c>setpriority</c> on the calling thread, which any process may
/// raise to 19); on Windows the thread priority is lowered. Elsewhere the thread runs at normal
/// priority.
/// </summary>
internal static class BackgroundThread
{
    /// <summary>The nice value of the thread on Linux: the lowest priority.</summary>
    public const int LinuxNice = 19;

    /// <summary>Runs <paramref name="work"/> on a new low-priority background thread.</summary>
    /// <returns>Its result; cancelled when <paramref name="work"/> throws <see cref="OperationCanceledException"/>.</returns>
    public static Task<T> RunAsync<T>(string name, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerCurrentThread();
            try
            {
                done.SetResult(work());
            }
            catch (OperationCanceledException e)
            {
                done.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>Whether the calling thread now runs at the lowest priority (false where the system
    /// refused or has no per-thread priority we can set).</summary>
    public static bool LowerCurrentThread()
    {
        if (OperatingSystem.IsWindows())
        {
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
            return true;
        }

        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // PRIO_PROCESS with who = 0 is the calling thread on Linux (the nice value is per thread).
            return SetPriority(0, 0, LinuxNice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The nice value of the calling thread on Linux (<c>getpriority</c>), or null elsewhere.</summary>
    public static int? CurrentLinuxNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Marshal.SetLastPInvokeError(0);
        var nice = GetPriority(0, 0);
        return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? null : nice;
    }

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, uint who, int prio);

    [DllImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static extern int GetPriority(int which, uint who);
}
