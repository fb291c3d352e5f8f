using System.Runtime.InteropServices;
using System.Threading.Channels;
using Promptly.Audio;
using Promptly.Interviews;
using Promptly.Latency;
using Promptly.Speech;

namespace Promptly.Voice;

/// <summary>
/// The interview core's reply sink for a voice socket: the reply's pieces are cut into sentences as they come and
/// each sentence is synthesized as soon as it is complete, while the model is still writing the next.
/// </summary>
/// <remarks>
/// When the audio may go out (<see cref="Released"/>) depends on how the words came. A reply still being streamed by
/// the model when its first audio is ready is heard at once: the candidate does not wait for the rest of the reply
/// or for the turn to be stored, and the response's time ends at that first audio (<see cref="ReportTo"/>). A reply
/// whose words were all there first (the built-in interviewer's, a fallback's) waits the few milliseconds of its
/// commit (<see cref="Release"/>), so that nothing the candidate hears is lost if the server stops.
/// </remarks>
internal sealed class SpokenReply : IReplySink, IDisposable
{
    // Audio goes out in frames of at most 100 ms: small enough that a barge-in stops it within a frame.
    private const int FrameMs = 100;

    private readonly Speaker _speaker;
    private readonly int _rate;
    private readonly TimeProvider _time;
    private readonly CancellationToken _closed;
    private readonly Lock _sync = new();
    private readonly Channel<AudioFrame> _audio = Channel.CreateUnbounded<AudioFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Attempt _attempt;
    private int _pieces;
    private bool _written;
    private long? _readyAt;
    private long? _sentAt;
    private string? _fallbackCause;

    private SpokenReply(Speaker speaker, int rate, TimeProvider time, CancellationToken closed)
    {
        _speaker = speaker;
        _rate = rate;
        _time = time;
        _closed = closed;
        _attempt = new Attempt(this, generation: 0);
    }

    /// <summary>A sink that speaks at <paramref name="rate"/>; null when no speech synthesis is available (the reply then goes out as text only).</summary>
    public static SpokenReply? For(VoiceServices services, int rate, CancellationToken closed) =>
        services.Speaker.Available ? new SpokenReply(services.Speaker, rate, services.Time, closed) : null;

    /// <summary>Why synthesis failed, once it has; the rest of the reply is then text only.</summary>
    public string? Failure => _attempt.Failure;

    /// <summary>Whether any of the reply was synthesized.</summary>
    public bool HasAudio => _attempt.HasAudio;

    /// <summary>The reply was given up (its turn failed) while it may have been playing.</summary>
    public bool Abandoned { get; private set; }

    /// <summary>Completes when the audio may go out; cancelled when the reply is given up before that.</summary>
    public Task Released => _released.Task;

    public TimeSpan WriteTime { get; private set; }

    public string CompletePhase => LatencyPhases.TtsFirstAudio;

    public ValueTask OpenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask WriteAsync(string piece, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        var attempt = _attempt;
        foreach (var sentence in attempt.Splitter.Push(piece)) attempt.Add(sentence, start);
        lock (_sync)
        {
            _pieces++;
            ReleaseEarlyIfStreaming(attempt);
        }

        WriteTime += _time.GetElapsedTime(start);
        return ValueTask.CompletedTask;
    }

    /// <summary>The attempt that wrote so far failed: its audio is thrown away (what was heard stays heard) and synthesis starts again.</summary>
    public ValueTask ResetAsync(CancellationToken cancellationToken)
    {
        Attempt old;
        lock (_sync)
        {
            old = _attempt;
            _attempt = new Attempt(this, old.Generation + 1);
            _pieces = 0;
        }

        old.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for the first audio: synthesized, or already sent when the reply was released early.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        var attempt = _attempt;
        if (attempt.Splitter.Flush() is { } rest) attempt.Add(rest, _time.GetTimestamp());
        attempt.Sentences.Writer.TryComplete();
        bool early;
        lock (_sync)
        {
            _written = true;
            early = _readyAt is not null;
        }

        await (early ? _firstSent.Task : attempt.FirstAudio.Task).WaitAsync(cancellationToken);
    }

    /// <summary>A reply whose words are all known (a greeting heard again, a request to repeat): speaks them, then waits for the first audio.</summary>
    public async ValueTask SayAsync(string text, CancellationToken cancellationToken)
    {
        lock (_sync) _written = true;
        await WriteAsync(text, cancellationToken);
        await CompleteAsync(cancellationToken);
    }

    public void ReportTo(LatencyTracker tracker)
    {
        if (_readyAt is { } ready && _sentAt is { } sent) tracker.AnsweredEarly(ready, sent, CompletePhase);
        if (_fallbackCause is { } cause) tracker.FellBack(cause);
    }

    /// <summary>The reply is stored: its audio may go out now if it has not already.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>The reply's audio at the client's rate, as it is synthesized, in frames of at most 100 ms; a failed attempt's frames are skipped.</summary>
    public async IAsyncEnumerable<AudioFrame> ReadAudioAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var frame in _audio.Reader.ReadAllAsync(cancellationToken))
        {
            if (frame.Generation == Volatile.Read(ref _attempt).Generation) yield return frame;
        }
    }

    /// <summary>The sender put the first frame on the socket: when a reply released early was heard.</summary>
    public void FirstFrameSent()
    {
        var now = _time.GetTimestamp();
        lock (_sync)
        {
            if (_readyAt is not null) _sentAt ??= now;
        }

        _firstSent.TrySetResult();
    }

    /// <summary>The sender stopped (done, interrupted or given up): nobody waits for a first frame any more.</summary>
    public void SenderStopped() => _firstSent.TrySetResult();

    /// <summary>The reply's turn failed: a sender still waiting never starts, one already playing is cut short.</summary>
    public void Abandon()
    {
        Abandoned = true;
        Dispose();
    }

    /// <summary>Stops synthesizing (the reply was interrupted, failed or fully sent); a sender still waiting is let go.</summary>
    public void Dispose()
    {
        _attempt.Dispose();
        _audio.Writer.TryComplete();
        _released.TrySetCanceled();
        _firstSent.TrySetResult();
    }

    /// <summary>
    /// Early release: the first audio is ready while the model is still writing (more than one piece came and the
    /// last has not), so waiting for the rest would only add silence.
    /// </summary>
    private void ReleaseEarlyIfStreaming(Attempt attempt)
    {
        if (_written || _readyAt is not null || _pieces < 2 || attempt != _attempt || attempt.FirstSentenceAt is not { } ready || !attempt.HasAudio) return;
        _readyAt = ready;
        _released.TrySetResult();
    }

    /// <summary>Synthesized speech of the current attempt, at the client's rate: queued in frames of at most 100 ms.</summary>
    private void OnAudio(Attempt attempt, ReadOnlyMemory<short> samples, string? fallbackCause)
    {
        var frame = _rate * FrameMs / 1000;
        lock (_sync)
        {
            if (attempt != _attempt) return;
            for (var offset = 0; offset < samples.Length; offset += frame)
            {
                var piece = samples.Slice(offset, Math.Min(frame, samples.Length - offset));
                _audio.Writer.TryWrite(new AudioFrame(MemoryMarshal.AsBytes(piece.Span).ToArray(), piece.Length, attempt.Generation));
            }

            _fallbackCause ??= fallbackCause;
            ReleaseEarlyIfStreaming(attempt);
        }
    }

    private void OnFinished(Attempt attempt)
    {
        lock (_sync)
        {
            if (attempt == _attempt) _audio.Writer.TryComplete();
        }
    }

    /// <summary>One try at speaking the reply: its sentences in, its audio out, its own cancellation.</summary>
    private sealed class Attempt : IDisposable
    {
        private readonly SpokenReply _reply;
        private readonly CancellationTokenSource _cancel;
        private int _disposed;

        public Attempt(SpokenReply reply, int generation)
        {
            _reply = reply;
            Generation = generation;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(reply._closed);
            _ = SynthesizeAsync();
        }

        public int Generation { get; }

        public SentenceSplitter Splitter { get; } = new();

        public Channel<string> Sentences { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        /// <summary>Completes when the first audio is synthesized, or when there will be none.</summary>
        public TaskCompletionSource FirstAudio { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When the first sentence was complete and handed to synthesis (<see cref="TimeProvider.GetTimestamp"/>).</summary>
        public long? FirstSentenceAt { get; private set; }

        public bool HasAudio { get; private set; }

        public string? Failure { get; private set; }

        public void Add(string sentence, long at)
        {
            FirstSentenceAt ??= at;
            Sentences.Writer.TryWrite(sentence);
        }

        private async Task SynthesizeAsync()
        {
            try
            {
                await foreach (var sentence in Sentences.Reader.ReadAllAsync(_cancel.Token))
                {
                    await foreach (var audio in _reply._speaker.SpeakAsync(sentence, _cancel.Token))
                    {
                        var samples = audio.SampleRate == _reply._rate ? audio.Samples : Resampler.Resample(audio.Samples.Span, audio.SampleRate, _reply._rate);
                        if (samples.Length == 0) continue;
                        HasAudio = true;
                        _reply.OnAudio(this, samples, audio.FallbackCause);
                        FirstAudio.TrySetResult();
                    }
                }
            }
            catch (SpeechFailedException e)
            {
                Failure = e.Message;
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _reply.OnFinished(this);
                FirstAudio.TrySetResult();
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            _cancel.Cancel();
            _cancel.Dispose();
        }
    }
}

/// <summary>A frame of the interviewer's speech: PCM16 little-endian bytes at the client's rate, from one attempt at the reply.</summary>
internal readonly record struct AudioFrame(byte[] Bytes, int Samples, int Generation);
