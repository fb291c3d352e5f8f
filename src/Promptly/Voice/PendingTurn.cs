using System.Buffers;

namespace Promptly.Voice;

/// <summary>
/// A turn that ended and waits to be answered: a copy of its 16 kHz audio in pooled memory (the pipeline goes on
/// collecting the next turn meanwhile), and the moments its response is timed from.
/// </summary>
internal sealed class PendingTurn(short[] pooled, int length, long arrival, long decision) : IDisposable
{
    private short[]? _pooled = pooled;

    public ReadOnlyMemory<short> Samples => _pooled.AsMemory(0, length);

    public TimeSpan Duration => TimeSpan.FromSeconds((double)length / Audio.SampleRates.Pipeline);

    /// <summary>When the last voiced audio arrived (<see cref="TimeProvider.GetTimestamp"/>): the response's time counts from here.</summary>
    public long Arrival => arrival;

    /// <summary>When the turn was judged ended.</summary>
    public long Decision => decision;

    /// <summary>The transcription started at the turn's last pause, when nothing was said after it.</summary>
    public Speculation? Speculation { get; init; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _pooled, null) is { } array) ArrayPool<short>.Shared.Return(array);
        Speculation?.Dispose();
    }
}
