namespace Promptly.Latency;

/// <summary>
/// What a store calls inside the transaction that writes a response, just before it writes the response's latency
/// record: closing it ends the <see cref="LatencyPhases.Persist"/> phase and builds the record, so one commit makes
/// the response and its record durable together. See <see cref="LatencyTracker.CommitAsync"/>.
/// </summary>
/// <remarks>Closed once: a second call returns the same record, so a store's retry cannot stretch the response.</remarks>
public sealed class LatencySeal
{
    private readonly LatencyTracker _tracker;
    private readonly long _persistStart;

    internal LatencySeal(LatencyTracker tracker, long persistStart)
    {
        _tracker = tracker;
        _persistStart = persistStart;
    }

    /// <summary>The record, once closed.</summary>
    public LatencyRecord? Record { get; private set; }

    public LatencyRecord Close() => Record ??= _tracker.Close(_persistStart);
}
