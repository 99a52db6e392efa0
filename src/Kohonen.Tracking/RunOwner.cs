using System.Diagnostics;
using System.Globalization;

namespace Kohonen.Tracking;

/// <summary>
/// Who is training a run, kept as tags so that both stores hold it: the host, the process id and the
/// process's start time (<c>kohonen.owner_host</c>, <c>kohonen.owner_pid</c>,
/// <c>kohonen.owner_started</c>), and a heartbeat (<c>kohonen.heartbeat</c>, Unix milliseconds)
/// renewed every <see cref="HeartbeatEvery"/> while it trains. A RUNNING run whose owner is gone or
/// whose heartbeat is stale was killed (<c>kill -9</c>, a power cut) and will never end by itself.
/// </summary>
public static class RunOwner
{
    /// <summary>The tag holding the owner's host name.</summary>
    public const string HostTag = "kohonen.owner_host";

    /// <summary>The tag holding the owner's process id.</summary>
    public const string ProcessTag = "kohonen.owner_pid";

    /// <summary>The tag holding the owner process's start time (Unix milliseconds), which tells a
    /// reused process id from the owner.</summary>
    public const string StartedTag = "kohonen.owner_started";

    /// <summary>The tag holding the last heartbeat (Unix milliseconds).</summary>
    public const string HeartbeatTag = "kohonen.heartbeat";

    /// <summary>How often a training renews its heartbeat: every 10 seconds.</summary>
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(10);

    /// <summary>How old a heartbeat may be before a run of another host is stale: 2 minutes.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    /// <summary>The owner tags of this process, with a heartbeat of now.</summary>
    public static IReadOnlyDictionary<string, string> CurrentTags() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [HostTag] = Environment.MachineName,
        [ProcessTag] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        [StartedTag] = ProcessStart(Environment.ProcessId)?.ToString(CultureInfo.InvariantCulture) ?? "",
        [HeartbeatTag] = Now().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A heartbeat of now, to set as a tag.</summary>
    public static IReadOnlyDictionary<string, string> Heartbeat() =>
        new Dictionary<string, string>(StringComparer.Ordinal) { [HeartbeatTag] = Now().ToString(CultureInfo.InvariantCulture) };

    /// <summary>
    /// Whether the run's owner is at work: an ended run is <see cref="RunLiveness.Ended"/>; a RUNNING run
    /// of this host whose process is gone (or whose process id belongs to a process started later) is
    /// <see cref="RunLiveness.OwnerGone"/>; a RUNNING run of another host, or one without owner tags,
    /// whose last heartbeat (or start) is older than <see cref="StaleAfter"/> is
    /// <see cref="RunLiveness.Stale"/>; otherwise <see cref="RunLiveness.Alive"/>.
    /// </summary>
    public static RunLiveness Liveness(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Info.Status != RunStatus.Running)
        {
            return RunLiveness.Ended;
        }

        var tags = run.Tags;
        if (tags.TryGetValue(HostTag, out var host) && host == Environment.MachineName
            && tags.TryGetValue(ProcessTag, out var pidText) && int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            var started = ProcessStart(pid);
            if (started is null)
            {
                return RunLiveness.OwnerGone;
            }

            // The id was given again to a process started after the owner: the owner is gone.
            return tags.TryGetValue(StartedTag, out var ownerText) && long.TryParse(ownerText, NumberStyles.None, CultureInfo.InvariantCulture, out var owner)
                && Math.Abs(started.Value - owner) > 2000
                ? RunLiveness.OwnerGone
                : RunLiveness.Alive;
        }

        var beat = tags.TryGetValue(HeartbeatTag, out var beatText) && long.TryParse(beatText, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
            ? b
            : run.Info.StartTime;
        return Now() - beat > (long)StaleAfter.TotalMilliseconds ? RunLiveness.Stale : RunLiveness.Alive;
    }

    /// <summary>Whether the process <paramref name="pid"/> of this host exists and was started no
    /// later than <paramref name="notAfter"/> (Unix milliseconds): a temporary file it wrote may still be
    /// in use.</summary>
    public static bool IsRunning(int pid, long notAfter) => ProcessStart(pid) is { } started && started <= notAfter + 2000;

    /// <summary>When process <paramref name="pid"/> of this host started (Unix milliseconds), or null when
    /// there is no such process.</summary>
    internal static long? ProcessStart(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return null;
            }

            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero).ToUnixTimeMilliseconds();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
