using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Promptly.Speech;
using Promptly.Tests.Support;

// ITextToSpeechClient is experimental (MEAI001); the stub below implements it.
#pragma warning disable MEAI001

namespace Promptly.Tests.Speech;

public sealed class SpeakerTests : IAsyncLifetime
{
    private FakeSpeechServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeSpeechServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SpeakAsync_OpenAiEndpoint_ReturnsTheProvidersPcmAt24k()
    {
        const string sentence = "Tell me about a project you led.";

        var audio = await ToListAsync(Speaker(_server.Settings()).SpeakAsync(sentence, CancellationToken.None));

        Assert.All(audio, piece => Assert.Equal(24_000, piece.SampleRate));
        Assert.Equal(FakeSpeechServer.Tone(sentence.Length * _server.SpeechSamplesPerChar), audio.SelectMany(piece => piece.Samples.ToArray()));
        var request = Assert.Single(_server.SpeechRequests);
        Assert.Equal(("tts-1", "alloy", "pcm", sentence),
            (request["model"]!.GetValue<string>(), request["voice"]!.GetValue<string>(), request["response_format"]!.GetValue<string>(), request["input"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SpeakAsync_ProviderStillSending_YieldsTheFirstAudioAlready()
    {
        _server.SpeechFailure = FakeSpeechFailure.HangMidStream;
        using var cancel = new CancellationTokenSource();
        await using var audio = Speaker(_server.Settings()).SpeakAsync("A long sentence that takes a while.", cancel.Token).GetAsyncEnumerator(cancel.Token);

        Assert.True(await audio.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1)));

        Assert.NotEqual(0, audio.Current.Samples.Length);
        Assert.False(_server.Abandoned.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await audio.MoveNextAsync());
        await _server.Abandoned.WaitAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task SpeakAsync_ProviderFails_ThrowsSpeechFailed()
    {
        _server.SpeechFailure = FakeSpeechFailure.Status500;

        await Assert.ThrowsAsync<SpeechFailedException>(() => ToListAsync(Speaker(_server.Settings()).SpeakAsync("Hello.", CancellationToken.None)));
    }

    [Fact]
    public async Task SpeakAsync_SamplesSplitAcrossPieces_JoinsTheirBytes()
    {
        var speaker = new Speaker(new StubTextToSpeech("audio/l16;rate=16000", [[0x01], [0x02, 0x03], [0x04, 0xFF, 0x7F]]));

        var audio = await ToListAsync(speaker.SpeakAsync("Hi.", CancellationToken.None));

        Assert.Equal([0x0201, 0x0403, 0x7FFF], audio.SelectMany(piece => piece.Samples.ToArray()));
        Assert.All(audio, piece => Assert.Equal(16_000, piece.SampleRate));
    }

    [Theory]
    [InlineData("audio/mpeg")]
    [InlineData("audio/wav")]
    [InlineData("audio/l16;rate=24000;channels=2")]
    public async Task SpeakAsync_AudioNotPcm16Mono_ThrowsSpeechFailed(string mediaType)
    {
        var speaker = new Speaker(new StubTextToSpeech(mediaType, [[0, 0, 0, 0]]));

        await Assert.ThrowsAsync<SpeechFailedException>(() => ToListAsync(speaker.SpeakAsync("Hi.", CancellationToken.None)));
    }

    [Fact]
    public async Task SpeakAsync_NoProvider_IsUnavailableAndThrowsSpeechFailed()
    {
        var speaker = new Speaker(null);

        Assert.False(speaker.Available);
        await Assert.ThrowsAsync<SpeechFailedException>(() => ToListAsync(speaker.SpeakAsync("Hi.", CancellationToken.None)));
    }

    private static Speaker Speaker(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSpeech(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider().GetRequiredService<Speaker>();
    }

    private static async Task<List<SpeechAudio>> ToListAsync(IAsyncEnumerable<SpeechAudio> audio)
    {
        var pieces = new List<SpeechAudio>();
        await foreach (var piece in audio) pieces.Add(piece);
        return pieces;
    }

    private sealed class StubTextToSpeech(string mediaType, byte[][] pieces) : ITextToSpeechClient
    {
        public Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
            string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var piece in pieces)
            {
                await Task.Yield();
                yield return new TextToSpeechResponseUpdate([new DataContent(piece, mediaType)]);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
