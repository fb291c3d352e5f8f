using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenAI.Audio;

// ITextToSpeechClient is experimental (MEAI001) in Microsoft.Extensions.AI 10.x: accepted, as its shape may still change
// and the Speech folder is the only one that would have to follow.
#pragma warning disable MEAI001

namespace Promptly.Speech;

/// <summary>
/// An OpenAI-compatible <c>/audio/speech</c> client that streams: raw PCM (24 kHz, 16-bit, mono) is yielded as the
/// response body arrives.
/// </summary>
/// <remarks>
/// Not <c>AudioClient.AsITextToSpeechClient()</c>: in Microsoft.Extensions.AI.OpenAI 10.11 its streaming method waits
/// for the whole response and yields it once, so the first audio of a sentence would wait for its last. The SDK's
/// protocol method with an unbuffered response keeps its transport, endpoint and key handling without that wait.
/// </remarks>
internal sealed class OpenAiTextToSpeechClient(AudioClient audio, string model, string voice) : ITextToSpeechClient
{
    /// <summary>The rate of OpenAI's <c>pcm</c> format.</summary>
    public const int SampleRate = 24_000;

    private const string PcmMediaType = "audio/l16;rate=24000;channels=1";

    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        var pcm = new MemoryStream();
        await foreach (var update in GetStreamingAudioAsync(text, options, cancellationToken))
        {
            foreach (var content in update.Contents.OfType<DataContent>()) pcm.Write(content.Data.Span);
        }

        return new TextToSpeechResponse([new DataContent(pcm.ToArray(), PcmMediaType)]) { ModelId = options?.ModelId ?? model };
    }

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = new JsonObject
        {
            ["model"] = options?.ModelId ?? model,
            ["input"] = text,
            ["voice"] = options?.VoiceId ?? voice,
            ["response_format"] = "pcm",
        };
        if (options?.Speed is { } speed) body["speed"] = speed;

        var result = await audio.GenerateSpeechAsync(
            BinaryContent.Create(BinaryData.FromString(body.ToJsonString())),
            new RequestOptions { BufferResponse = false, CancellationToken = cancellationToken });
        using var response = result.GetRawResponse();
        var stream = response.ContentStream ?? throw new InvalidOperationException("The speech response has no body.");
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            yield return new TextToSpeechResponseUpdate([new DataContent(buffer.AsMemory(0, read).ToArray(), PcmMediaType)])
            {
                Kind = TextToSpeechResponseUpdateKind.AudioUpdating,
                ModelId = options?.ModelId ?? model,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(AudioClient) ? audio
        : null;

    // The AudioClient holds no resources of its own to release.
    public void Dispose()
    {
    }
}
