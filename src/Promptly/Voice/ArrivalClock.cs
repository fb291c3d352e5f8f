namespace Promptly.Voice;

/// <summary>
/// Maps the audio clock (samples received) back to the wall clock: when did the audio up to a sample arrive? A voice
/// response is timed from the arrival of the candidate's last voiced audio, which the turn detector names by sample.
/// Keeps the most recent writes only (a fixed ring, no allocation per frame); older samples map to the oldest kept.
/// </summary>
internal sealed class ArrivalClock
{
    // 512 writes are 5 s of the smallest (10 ms) frames, far more than any silence that ends a turn.
    private readonly (long EndSample, long Timestamp)[] _writes = new (long, long)[512];
    private int _next;
    private int _count;

    /// <summary>Audio up to <paramref name="endSample"/> (exclusive) had arrived at <paramref name="timestamp"/>.</summary>
    public void Received(long endSample, long timestamp)
    {
        _writes[_next] = (endSample, timestamp);
        _next = (_next + 1) % _writes.Length;
        if (_count < _writes.Length) _count++;
    }

    /// <summary>When the write holding <paramref name="sample"/> arrived; the oldest kept when it is older than all of them.</summary>
    public long TimestampOf(long sample)
    {
        if (_count == 0) return 0;
        var found = _writes[(_next - _count + _writes.Length) % _writes.Length].Timestamp;
        for (var i = 1; i <= _count; i++)
        {
            var write = _writes[(_next - i + _writes.Length) % _writes.Length];
            if (write.EndSample <= sample) break;
            found = write.Timestamp;
        }

        return found;
    }
}
