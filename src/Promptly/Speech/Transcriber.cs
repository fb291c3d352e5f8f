using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

// ISpeechToTextClient is experimental (MEAI001) in Microsoft.Extensions.AI 10.x: accepted, as its shape may still change
// and the Speech folder is the only one that would have to follow.
#pragma warning disable MEAI001

namespace Promptly.Speech;

/// <summary>Turns a turn's audio into the candidate's words with the configured speech-to-text provider, if any.</summary>
/// <remarks>Thread-safe: one instance serves every voice interview at once.</remarks>
internal sealed class Transcriber(ISpeechToTextClient? client, IOptions<SttOptions> options, TimeProvider time)
{
    /// <summary>The rate of the samples <see cref="TranscribeAsync"/> takes: 16 kHz, what Whisper models listen at.</summary>
    public const int SampleRate = 16_000;

    private readonly SttOptions _options = options.Value;

    /// <summary>False when no provider is configured: transcripts then say so instead of holding words.</summary>
    public bool Available => client is not null;

    /// <summary>Transcribes mono PCM16 audio at <see cref="SampleRate"/>.</summary>
    /// <exception cref="SpeechFailedException">The provider failed or missed the <see cref="SttOptions.TimeoutMs"/> deadline.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Transcript> TranscribeAsync(ReadOnlyMemory<short> samples16k, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds((double)samples16k.Length / SampleRate);
        if (client is null) return Transcript.Unavailable(duration);
        if (samples16k.IsEmpty) return new Transcript("", duration);

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.TimeoutMs), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var request = new SpeechToTextOptions
        {
            SpeechLanguage = string.IsNullOrWhiteSpace(_options.Language) ? null : _options.Language,
            SpeechSampleRate = SampleRate,
        };
        try
        {
            // A WAV header rather than raw PCM: every OpenAI-compatible server reads WAV, none agree on headerless PCM.
            var wav = new MemoryStream(Wav.Encode(samples16k.Span, SampleRate), writable: false);
            var response = await client.GetTextAsync(wav, request, linked.Token);
            return new Transcript(response.Text.Trim(), duration);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            throw new SpeechFailedException($"Speech to text gave no answer within {_options.TimeoutMs} ms.", e);
        }
        catch (Exception e)
        {
            throw new SpeechFailedException($"Speech to text failed: {e.Message}", e);
        }
    }
}
