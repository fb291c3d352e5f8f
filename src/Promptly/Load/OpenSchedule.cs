namespace Promptly.Load;

/// <summary>
/// When each request of an open-model phase is meant to be sent: request <c>i</c> at <c>start + i / rate</c>,
/// whatever happened to the requests before it. Latency is measured from this instant, not from the actual send,
/// so a stalled server or a late generator shows up in the figures instead of silently lowering the rate
/// (no coordinated omission).
/// </summary>
internal static class OpenSchedule
{
    /// <summary>The intended send time of request <paramref name="index"/> as a timestamp (<paramref name="frequency"/> ticks per second).</summary>
    public static long IntendedTimestamp(long phaseStart, long index, double rate, long frequency) =>
        phaseStart + (long)(index * (frequency / rate));

    /// <summary>The intended send times of a whole phase, from 0: for tests and for reading, not for the hot loop.</summary>
    public static IEnumerable<TimeSpan> IntendedOffsets(LoadPhase phase)
    {
        for (long i = 0; i < phase.RequestCount; i++)
        {
            yield return TimeSpan.FromTicks(IntendedTimestamp(0, i, phase.Rate, TimeSpan.TicksPerSecond));
        }
    }
}
