using System.Runtime.InteropServices;
using System.Threading.Channels;
using Promptly.Audio;
using Promptly.Interviews;
using Promptly.Latency;
using Promptly.Speech;

namespace Promptly.Voice;

/// <summary>
/// The interview core's reply sink for a voice socket: the reply's pieces are cut into sentences as they come and
/// each sentence is synthesized as soon as it is complete, while the model is still writing the next, so the first
/// audio is ready about one sentence after the first words. <see cref="CompleteAsync"/> (timed as
/// <see cref="LatencyPhases.TtsFirstAudio"/>) waits only for the first audio; the rest follows through
/// <see cref="ReadAudioAsync"/> at the client's sample rate.
/// </summary>
internal sealed class SpokenReply : IReplySink, IDisposable
{
    // Audio goes out in frames of at most 100 ms: small enough that a barge-in stops it within a frame.
    private const int FrameMs = 100;

    private readonly Speaker _speaker;
    private readonly int _rate;
    private readonly TimeProvider _time;
    private readonly CancellationToken _closed;
    private Attempt _attempt;

    private SpokenReply(Speaker speaker, int rate, TimeProvider time, CancellationToken closed)
    {
        _speaker = speaker;
        _rate = rate;
        _time = time;
        _closed = closed;
        _attempt = new Attempt(this);
    }

    /// <summary>A sink that speaks at <paramref name="rate"/>; null when no speech synthesis is available (the reply then goes out as text only).</summary>
    public static SpokenReply? For(VoiceServices services, int rate, CancellationToken closed) =>
        services.Speaker.Available ? new SpokenReply(services.Speaker, rate, services.Time, closed) : null;

    /// <summary>Why synthesis failed, once it has; the reply is then text only from there on.</summary>
    public string? Failure => _attempt.Failure;

    public TimeSpan WriteTime { get; private set; }

    public string CompletePhase => LatencyPhases.TtsFirstAudio;

    public ValueTask OpenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask WriteAsync(string piece, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        foreach (var sentence in _attempt.Splitter.Push(piece)) _attempt.Sentences.Writer.TryWrite(sentence);
        WriteTime += _time.GetElapsedTime(start);
        return ValueTask.CompletedTask;
    }

    /// <summary>The attempt that wrote so far failed: its audio is thrown away, unheard, and synthesis starts again.</summary>
    public ValueTask ResetAsync(CancellationToken cancellationToken)
    {
        _attempt.Dispose();
        _attempt = new Attempt(this);
        return ValueTask.CompletedTask;
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_attempt.Splitter.Flush() is { } rest) _attempt.Sentences.Writer.TryWrite(rest);
        _attempt.Sentences.Writer.TryComplete();
        await _attempt.FirstAudio.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The reply's audio at the client's rate, as it is synthesized, in frames of at most 100 ms.</summary>
    public IAsyncEnumerable<AudioFrame> ReadAudioAsync(CancellationToken cancellationToken) => _attempt.Audio.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Stops synthesizing (the reply was interrupted, failed or fully sent).</summary>
    public void Dispose() => _attempt.Dispose();

    /// <summary>One try at speaking the reply: its sentences in, its audio out, its own cancellation.</summary>
    private sealed class Attempt : IDisposable
    {
        private readonly SpokenReply _reply;
        private readonly CancellationTokenSource _cancel;

        public Attempt(SpokenReply reply)
        {
            _reply = reply;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(reply._closed);
            _ = SynthesizeAsync();
        }

        public SentenceSplitter Splitter { get; } = new();
        public Channel<string> Sentences { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        public Channel<AudioFrame> Audio { get; } = Channel.CreateUnbounded<AudioFrame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        public TaskCompletionSource FirstAudio { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? Failure { get; private set; }

        private async Task SynthesizeAsync()
        {
            try
            {
                await foreach (var sentence in Sentences.Reader.ReadAllAsync(_cancel.Token))
                {
                    await foreach (var audio in _reply._speaker.SpeakAsync(sentence, _cancel.Token))
                    {
                        var samples = audio.SampleRate == _reply._rate ? audio.Samples : Resampler.Resample(audio.Samples.Span, audio.SampleRate, _reply._rate);
                        var frame = _reply._rate * FrameMs / 1000;
                        for (var offset = 0; offset < samples.Length; offset += frame)
                        {
                            var piece = samples.Slice(offset, Math.Min(frame, samples.Length - offset));
                            Audio.Writer.TryWrite(new AudioFrame(MemoryMarshal.AsBytes(piece.Span).ToArray(), piece.Length));
                        }

                        if (samples.Length > 0) FirstAudio.TrySetResult();
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
                Audio.Writer.TryComplete();
                FirstAudio.TrySetResult();
            }
        }

        public void Dispose()
        {
            _cancel.Cancel();
            _cancel.Dispose();
        }
    }
}

/// <summary>A frame of the interviewer's speech: PCM16 little-endian bytes at the client's rate.</summary>
internal readonly record struct AudioFrame(byte[] Bytes, int Samples);
