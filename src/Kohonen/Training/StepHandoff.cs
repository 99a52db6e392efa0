using System.Runtime.InteropServices;

namespace Kohonen;

/// <summary>
/// One direction of the handoff between an online training's calling thread and its worker (the fused
/// step's and the wide step's two-thread modes): a step's number and its data, alone on a cache line
/// (64 bytes of padding on either side), so that the two threads never write to the same line. The
/// writer sets the data, then the number (a release); the reader waits for the number (an acquire),
/// then reads the data.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct StepHandoff
{
    /// <summary>Empty polls of a handoff counter before the waiting thread starts yielding.</summary>
    public const int SpinsBeforeYield = 1 << 14;

    /// <summary>Yields after which a wait is long (the caller is measuring the map, say): from there a
    /// thread that may sleep does so between polls.</summary>
    public const int YieldsBeforeSleep = 1 << 12;

    [FieldOffset(64)]
    public long Step;

    /// <summary>Posted: the BMU of the step's sample (the fused step). Answered: the best node of the upper rows.</summary>
    [FieldOffset(72)]
    public int Bmu;

    [FieldOffset(76)]
    public int SampleRow;

    [FieldOffset(80)]
    public int NextRow;

    [FieldOffset(84)]
    public float DistanceSquared;

    /// <summary>Posted: whether the pass walks the grid from its last row (the wide step).</summary>
    [FieldOffset(88)]
    public bool Reverse;

    /// <summary>Waits until <paramref name="counter"/> reaches <paramref name="value"/> or
    /// <paramref name="stopping"/> is set: polls, then yields the processor between polls, and when
    /// <paramref name="maySleep"/> sleeps once the wait is long. The worker may sleep (between
    /// iterations the caller measures the map for a while); the caller never does, as it waits only
    /// for a half step in progress: a worker that lost its processor gets it back by the yields, and a
    /// sleep there costs a millisecond a sample on a busy machine.</summary>
    public static void Await(ref long counter, long value, bool maySleep, ref int stopping)
    {
        for (var polls = 0; Volatile.Read(ref counter) < value && Volatile.Read(ref stopping) == 0; polls++)
        {
            if (maySleep && polls >= SpinsBeforeYield + YieldsBeforeSleep)
            {
                Thread.Sleep(1);
            }
            else if (polls >= SpinsBeforeYield)
            {
                Thread.Yield();
            }
        }
    }
}
