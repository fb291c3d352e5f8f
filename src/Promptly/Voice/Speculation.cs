using System.Buffers;
using Promptly.Speech;

namespace Promptly.Voice;

/// <summary>
/// A transcription started at a pause in the candidate's answer, on a pooled copy of the audio so far; cancelled
/// (and its copy returned) when the candidate speaks again or the socket closes.
/// </summary>
internal sealed class Speculation : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private short[]? _pooled;

    private Speculation(short[] pooled, long lastVoiced, CancellationTokenSource cancel, Task<Transcript> transcript)
    {
        _pooled = pooled;
        LastVoiced = lastVoiced;
        _cancel = cancel;
        Transcript = transcript;
    }

    /// <summary>The end of the voiced audio it transcribes (on the audio clock).</summary>
    public long LastVoiced { get; }

    public Task<Transcript> Transcript { get; }

    public static Speculation Start(Transcriber transcriber, ReadOnlyMemory<short> samples, long lastVoiced, CancellationToken closed)
    {
        var copy = ArrayPool<short>.Shared.Rent(Math.Max(1, samples.Length));
        samples.Span.CopyTo(copy);
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(closed);
        return new Speculation(copy, lastVoiced, cancel, transcriber.TranscribeAsync(copy.AsMemory(0, samples.Length), cancel.Token));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _pooled, null) is not { } array) return;
        _cancel.Cancel();
        // The array goes back only once the call has let go of it.
        Transcript.ContinueWith(_ =>
        {
            ArrayPool<short>.Shared.Return(array);
            _cancel.Dispose();
        }, TaskScheduler.Default);
    }
}
