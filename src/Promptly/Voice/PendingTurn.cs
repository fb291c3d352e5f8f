using System.Buffers;

namespace Promptly.Voice;

/// <summary>
/// A turn that ended and waits to be answered: a copy of its 16 kHz audio in pooled memory (the pipeline goes on
/// collecting the next turn meanwhile), and the moments its response is timed from.
/// </summary>
/// <param name="Arrival">When the last voiced audio arrived (<see cref="TimeProvider.GetTimestamp"/>): the response's time counts from here.</param>
/// <param name="Decision">When the turn was judged ended.</param>
internal sealed class PendingTurn(short[] pooled, int length, long arrival, long decision) : IDisposable
{
    private short[]? _pooled = pooled;

    public ReadOnlyMemory<short> Samples => _pooled.AsMemory(0, length);

    public TimeSpan Duration => TimeSpan.FromSeconds((double)length / Audio.SampleRates.Pipeline);

    public long Arrival => arrival;

    public long Decision => decision;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _pooled, null) is { } array) ArrayPool<short>.Shared.Return(array);
    }
}
