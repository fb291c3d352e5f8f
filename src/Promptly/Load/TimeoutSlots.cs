namespace Promptly.Load;

/// <summary>
/// Request timeouts without a timer per request: requests intended within the same 10 ms share one token that is
/// cancelled <c>timeout</c> after the slot's start, so a request times out between <c>timeout</c> and
/// <c>timeout</c> − 10 ms after its intended send time. At 20,000 requests/s this is 100 timers a second instead
/// of 20,000.
/// </summary>
/// <remarks>Thread-safe: a lock guards the slot ring (a handful of instructions per request).</remarks>
internal sealed class TimeoutSlots(TimeSpan timeout, TimeProvider time)
{
    private static readonly TimeSpan SlotLength = TimeSpan.FromMilliseconds(10);

    private readonly long _slotTicks = Math.Max(1, (long)(SlotLength.TotalSeconds * time.TimestampFrequency));
    private readonly (long Slot, CancellationTokenSource? Source)[] _ring = new (long, CancellationTokenSource?)[64];

    /// <summary>The token that is cancelled when the request intended at <paramref name="intended"/> has run out of time.</summary>
    public CancellationToken For(long intended)
    {
        var slot = intended / _slotTicks;
        var index = (int)(slot & (_ring.Length - 1));
        lock (_ring)
        {
            ref var entry = ref _ring[index];
            if (entry.Source is null || entry.Slot != slot)
            {
                // The slot this one replaces is at least 640 ms old: its token stays valid for the requests holding
                // it, and its timer still fires; only this ring forgets it.
                var left = timeout - time.GetElapsedTime(slot * _slotTicks, time.GetTimestamp());
                entry = (slot, new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, time));
            }

            return entry.Source.Token;
        }
    }
}
