namespace Promptly.Latency;

/// <summary>What a <see cref="LatencyTracker"/> tells about its finished record; the latency budget implements it.</summary>
public interface ILatencyRecorder
{
    /// <summary>Reports a finished record (the budget's verdict in the log), committed or not.</summary>
    void Report(LatencyRecord record);

    /// <summary>
    /// Stores the record of a response that failed before it was committed. Never throws: the response's own
    /// exception is already on its way up and losing the record must not hide it.
    /// </summary>
    ValueTask SaveFailedAsync(LatencyRecord record);
}
