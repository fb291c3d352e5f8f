using System.Buffers;

namespace Promptly.Audio;

/// <summary>
/// The current turn's 16 kHz samples, and the last moments of audio before it: every sample goes into a small rolling
/// history, so when speech is found to have started (some frames after it did) the turn can begin a preroll before it.
/// </summary>
/// <remarks>
/// The turn lives in an array from <see cref="ArrayPool{T}"/>, doubled as it fills up to a hard cap, past which samples
/// are dropped: a turn can never hold more than <see cref="Cap"/> samples, whatever the client sends. Between turns
/// only the history takes memory. <see cref="Memory"/> is valid until the next <see cref="Append"/>, <see cref="Clear"/>
/// or <see cref="Dispose"/>. One per stream; not thread-safe.
/// </remarks>
internal sealed class TurnAudio : IDisposable
{
    // One second, so a typical answer never grows the array and a long one doubles a few times.
    private const int InitialSamples = SampleRates.Pipeline;

    private readonly ArrayPool<short> _pool;
    private short[] _history;
    private short[] _turn = [];
    private int _count;
    private long _position;
    private bool _disposed;

    /// <param name="historySamples">How far back <see cref="Begin"/> can reach from the newest sample.</param>
    /// <param name="capSamples">The most samples a turn holds.</param>
    /// <param name="pool">Where arrays come from and go back to; <see cref="ArrayPool{T}.Shared"/> when null.</param>
    public TurnAudio(int historySamples, int capSamples, ArrayPool<short>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(historySamples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capSamples);
        _pool = pool ?? ArrayPool<short>.Shared;
        _history = _pool.Rent(historySamples);
        HistorySamples = historySamples;
        Cap = capSamples;
    }

    public int HistorySamples { get; }

    public int Cap { get; }

    /// <summary>Whether appended samples go into the turn (between <see cref="Begin"/> and <see cref="End"/>).</summary>
    public bool Recording { get; private set; }

    /// <summary>The audio clock position of the turn's first sample; -1 when there is no turn.</summary>
    public long StartSample { get; private set; } = -1;

    /// <summary>How many samples have been appended since the stream began.</summary>
    public long Position => _position;

    public int Count => _count;

    /// <summary>The length of the turn's array: at most the smallest pool array that holds <see cref="Cap"/>.</summary>
    public int Capacity => _turn.Length;

    public ReadOnlyMemory<short> Memory => _turn.AsMemory(0, _count);

    public ReadOnlySpan<short> Span => _turn.AsSpan(0, _count);

    public void Append(ReadOnlySpan<short> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Recording) AppendToTurn(samples);
        var tail = samples.Length > HistorySamples ? samples[^HistorySamples..] : samples;
        var at = (int)((_position + samples.Length - tail.Length) % HistorySamples);
        var first = Math.Min(tail.Length, HistorySamples - at);
        tail[..first].CopyTo(_history.AsSpan(at));
        tail[first..].CopyTo(_history);
        _position += samples.Length;
    }

    /// <summary>
    /// Starts a turn at <paramref name="fromSample"/> (clamped to what the history still holds) with the audio since,
    /// and records from now on; a turn already recorded is replaced.
    /// </summary>
    public void Begin(long fromSample)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var from = Math.Clamp(fromSample, Math.Max(0, _position - HistorySamples), _position);
        _count = 0;
        StartSample = from;
        Recording = true;
        var at = (int)(from % HistorySamples);
        var length = (int)(_position - from);
        var first = Math.Min(length, HistorySamples - at);
        AppendToTurn(_history.AsSpan(at, first));
        AppendToTurn(_history.AsSpan(0, length - first));
    }

    /// <summary>Stops recording; the turn stays readable until <see cref="Clear"/>.</summary>
    public void End() => Recording = false;

    /// <summary>Empties the turn for the next one and gives its array back; the history is kept.</summary>
    public void Clear()
    {
        _count = 0;
        StartSample = -1;
        Recording = false;
        ReturnTurn();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _count = 0;
        ReturnTurn();
        _pool.Return(_history);
        _history = [];
    }

    private void AppendToTurn(ReadOnlySpan<short> samples)
    {
        var room = Cap - _count;
        if (samples.Length > room) samples = samples[..room];
        if (samples.IsEmpty) return;
        if (_count + samples.Length > _turn.Length) Grow(_count + samples.Length);
        samples.CopyTo(_turn.AsSpan(_count));
        _count += samples.Length;
    }

    private void Grow(int needed)
    {
        var size = Math.Max(_turn.Length, InitialSamples);
        while (size < needed) size = (int)Math.Min((long)size * 2, Cap);
        var bigger = _pool.Rent(Math.Min(Math.Max(size, needed), Cap));
        _turn.AsSpan(0, _count).CopyTo(bigger);
        ReturnTurn();
        _turn = bigger;
    }

    private void ReturnTurn()
    {
        if (_turn.Length > 0) _pool.Return(_turn);
        _turn = [];
    }
}
