using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

// ITextToSpeechClient is experimental (MEAI001) in Microsoft.Extensions.AI 10.x: accepted, as its shape may still change
// and the Speech folder is the only one that would have to follow.
#pragma warning disable MEAI001

namespace Promptly.Speech;

/// <summary>
/// Speaks the interviewer's sentences with the configured text-to-speech provider, if any. Under a
/// <see cref="SpeakerDeadline"/>, a sentence whose first audio does not come in time, or whose provider fails before
/// it, is spoken by the fallback provider (espeak-ng, offline) when there is one, so a slow provider costs the
/// candidate one deadline rather than silence; without a fallback it fails, and the reply goes out as text.
/// </summary>
/// <remarks>Thread-safe: one instance serves every voice interview at once.</remarks>
internal sealed class Speaker(ITextToSpeechClient? client, SpeakerDeadline? deadline = null)
{
    /// <summary>The <c>fallback_cause</c> of a sentence whose provider sent no audio in time.</summary>
    public const string DeadlineCause = "speech_deadline";

    /// <summary>The <c>fallback_cause</c> of a sentence whose provider failed before its first audio.</summary>
    public const string ErrorCause = "speech_error";

    /// <summary>The rate of raw PCM when the provider does not say: 24 kHz, OpenAI's <c>pcm</c> format.</summary>
    private const int DefaultPcmRate = 24_000;

    /// <summary>False when there is no provider: replies then go out as text only.</summary>
    public bool Available => client is not null;

    /// <summary>
    /// Speaks one sentence, yielding mono PCM16 pieces as the provider produces them, so the first can be played
    /// while the rest is still being synthesized. The first piece of a fallback's speech says why it was needed.
    /// </summary>
    /// <exception cref="SpeechFailedException">The provider (and the fallback, if any) failed, is missing, was too slow or sent audio that is not PCM16 mono.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async IAsyncEnumerable<SpeechAudio> SpeakAsync(string sentence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (client is null) throw new SpeechFailedException("No text-to-speech provider is configured.");
        if (string.IsNullOrWhiteSpace(sentence)) yield break;

        if (deadline is null)
        {
            await foreach (var piece in PiecesAsync(client, sentence, cancellationToken)) yield return piece;
            yield break;
        }

        string? cause;
        using (var late = new CancellationTokenSource(deadline.FirstAudio, deadline.Time))
        using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, late.Token))
        {
            await using var pieces = PiecesAsync(client, sentence, attempt.Token).GetAsyncEnumerator(attempt.Token);
            (var first, cause) = await FirstAsync(pieces, late, deadline.FirstAudio, cancellationToken);
            if (cause is null && first)
            {
                yield return pieces.Current;
                while (await pieces.MoveNextAsync()) yield return pieces.Current;
            }
        }

        if (cause is null) yield break;
        if (deadline.Fallback is null) throw new SpeechFailedException(cause);
        var because = $"{cause}; {deadline.FallbackName} spoke instead";
        await foreach (var piece in PiecesAsync(deadline.Fallback, sentence, cancellationToken))
        {
            yield return piece with { FallbackCause = because };
            because = null;
        }
    }

    /// <summary>Waits for the first piece; the cause when the provider failed or missed the deadline before it.</summary>
    private static async Task<(bool First, string? Cause)> FirstAsync(
        IAsyncEnumerator<SpeechAudio> pieces, CancellationTokenSource deadline, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            var first = await pieces.MoveNextAsync();
            // The rest of the sentence has no deadline of its own: it is played while it comes.
            deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            if (!deadline.IsCancellationRequested) return (first, null);
        }
        catch (SpeechFailedException e)
        {
            return (false, $"{ErrorCause}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return (false, $"{DeadlineCause}: no audio within {limit.TotalMilliseconds:F0} ms (Voice:Tts:FirstAudioDeadlineMs)");
    }

    private static async IAsyncEnumerable<SpeechAudio> PiecesAsync(ITextToSpeechClient client, string sentence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var updates = client.GetStreamingAudioAsync(sentence, null, cancellationToken).GetAsyncEnumerator(cancellationToken);
        // A network read can end between the two bytes of a sample; the odd byte waits for the next piece.
        byte? carry = null;
        while (await NextAsync(updates, cancellationToken))
        {
            foreach (var content in updates.Current.Contents.OfType<DataContent>())
            {
                var rate = PcmRate(content.MediaType);
                var samples = ToSamples(content.Data.Span, ref carry);
                if (samples.Length > 0) yield return new SpeechAudio(samples, rate);
            }
        }
    }

    private static async ValueTask<bool> NextAsync(IAsyncEnumerator<TextToSpeechResponseUpdate> updates, CancellationToken cancellationToken)
    {
        try
        {
            return await updates.MoveNextAsync();
        }
        catch (Exception e) when (e is SpeechFailedException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SpeechFailedException($"Text to speech failed: {e.Message}", e);
        }
    }

    /// <summary>The sample rate of raw PCM16 mono (<c>audio/l16</c>, RFC 2586); anything else is refused.</summary>
    private static int PcmRate(string mediaType)
    {
        if (!MediaTypeHeaderValue.TryParse(mediaType, out var type) || !string.Equals(type.MediaType, "audio/l16", StringComparison.OrdinalIgnoreCase))
            throw new SpeechFailedException($"Text to speech sent {mediaType}, not raw PCM (audio/l16).");
        var channels = Parameter(type, "channels") ?? 1;
        if (channels != 1) throw new SpeechFailedException($"Text to speech sent {channels} channels, not mono.");
        return Parameter(type, "rate") ?? DefaultPcmRate;
    }

    private static int? Parameter(MediaTypeHeaderValue type, string name) =>
        type.Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.Value is { } value
            ? int.TryParse(value.Trim('"'), out var number) && number > 0 ? number : throw new SpeechFailedException($"Text to speech sent a bad {name}: {value}.")
            : null;

    private static short[] ToSamples(ReadOnlySpan<byte> bytes, ref byte? carry)
    {
        var total = bytes.Length + (carry is null ? 0 : 1);
        var samples = new short[total / 2];
        var next = 0;
        var i = 0;
        if (carry is { } low && bytes.Length > 0)
        {
            samples[next++] = (short)(low | (bytes[0] << 8));
            i = 1;
            carry = null;
        }

        for (; i + 1 < bytes.Length; i += 2) samples[next++] = BinaryPrimitives.ReadInt16LittleEndian(bytes[i..]);
        if (i < bytes.Length) carry = bytes[i];
        return samples;
    }
}

/// <summary>
/// How long a sentence's first audio may take (<paramref name="FirstAudio"/>, on <paramref name="Time"/>'s clock), and
/// who speaks it past that: <paramref name="Fallback"/>, named <paramref name="FallbackName"/> in records; none: the sentence fails.
/// </summary>
internal sealed record SpeakerDeadline(TimeSpan FirstAudio, TimeProvider Time, ITextToSpeechClient? Fallback = null, string? FallbackName = null);
