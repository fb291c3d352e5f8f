using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
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
        var settings = _server.Settings();
        settings["Voice:Tts:FallbackToEspeak"] = "false";

        await Assert.ThrowsAsync<SpeechFailedException>(() => ToListAsync(Speaker(settings).SpeakAsync("Hello.", CancellationToken.None)));
    }

    [Fact]
    public async Task SpeakAsync_NoAudioByTheDeadline_TheFallbackSpeaksAndSaysWhy()
    {
        var time = new FakeTimeProvider();
        var primary = new StubTextToSpeech("audio/l16;rate=16000", [[0x01, 0x00]]) { Hold = new TaskCompletionSource() };
        var speaker = new Speaker(primary, new SpeakerDeadline(TimeSpan.FromMilliseconds(700), time, new StubTextToSpeech("audio/l16;rate=22050", [[0x02, 0x00], [0x03, 0x00]]), "espeak-ng"));

        var speaking = ToListAsync(speaker.SpeakAsync("Hi.", CancellationToken.None));
        await primary.Called.Task.WaitAsync(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMilliseconds(699));
        Assert.False(speaking.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var audio = await speaking.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal([2, 3], audio.SelectMany(piece => piece.Samples.ToArray()));
        Assert.StartsWith("speech_deadline: no audio within 700 ms", audio[0].FallbackCause);
        Assert.EndsWith("espeak-ng spoke instead", audio[0].FallbackCause);
        Assert.Null(audio[1].FallbackCause);
        Assert.True(primary.Cancelled, "the late provider's call was abandoned");
    }

    [Fact]
    public async Task SpeakAsync_ProviderFailsBeforeItsFirstAudio_TheFallbackSpeaks()
    {
        var speaker = new Speaker(new StubTextToSpeech("audio/mpeg", [[0, 0]]),
            new SpeakerDeadline(TimeSpan.FromMilliseconds(700), new FakeTimeProvider(), new StubTextToSpeech("audio/l16;rate=22050", [[0x02, 0x00]]), "espeak-ng"));

        var audio = await ToListAsync(speaker.SpeakAsync("Hi.", CancellationToken.None));

        Assert.Equal([2], audio.SelectMany(piece => piece.Samples.ToArray()));
        Assert.StartsWith("speech_error: Text to speech sent audio/mpeg", audio[0].FallbackCause);
    }

    [Fact]
    public async Task SpeakAsync_FirstAudioInTime_TheRestHasNoDeadline()
    {
        var time = new FakeTimeProvider();
        var primary = new StubTextToSpeech("audio/l16;rate=16000", [[0x01, 0x00], [0x02, 0x00]]) { HoldAfterFirst = new TaskCompletionSource() };
        var speaker = new Speaker(primary, new SpeakerDeadline(TimeSpan.FromMilliseconds(700), time, new StubTextToSpeech("audio/l16;rate=16000", [[0x09, 0x00]]), "espeak-ng"));

        var speaking = ToListAsync(speaker.SpeakAsync("Hi.", CancellationToken.None));
        await primary.FirstTaken.Task.WaitAsync(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromSeconds(5));
        primary.HoldAfterFirst.SetResult();
        var audio = await speaking.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal([1, 2], audio.SelectMany(piece => piece.Samples.ToArray()));
        Assert.All(audio, piece => Assert.Null(piece.FallbackCause));
    }

    [Fact]
    public async Task SpeakAsync_NoAudioByTheDeadline_NoFallback_ThrowsSpeechFailed()
    {
        var time = new FakeTimeProvider();
        var primary = new StubTextToSpeech("audio/l16;rate=16000", [[0x01, 0x00]]) { Hold = new TaskCompletionSource() };
        var speaker = new Speaker(primary, new SpeakerDeadline(TimeSpan.FromMilliseconds(700), time));

        var speaking = ToListAsync(speaker.SpeakAsync("Hi.", CancellationToken.None));
        await primary.Called.Task.WaitAsync(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMilliseconds(700));

        var failed = await Assert.ThrowsAsync<SpeechFailedException>(() => speaking.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.StartsWith("speech_deadline", failed.Message);
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
        /// <summary>When set, nothing is sent until it completes (or the call is cancelled).</summary>
        public TaskCompletionSource? Hold { get; init; }

        /// <summary>When set, the first piece is sent and the rest waits for it.</summary>
        public TaskCompletionSource? HoldAfterFirst { get; init; }

        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The first piece was taken and the next asked for.</summary>
        public TaskCompletionSource FirstTaken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; private set; }

        public Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
            string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Called.TrySetResult();
            if (Hold is not null) await HoldAsync(Hold, cancellationToken);
            for (var i = 0; i < pieces.Length; i++)
            {
                await Task.Yield();
                if (i == 1 && HoldAfterFirst is not null)
                {
                    FirstTaken.TrySetResult();
                    await HoldAsync(HoldAfterFirst, cancellationToken);
                }

                yield return new TextToSpeechResponseUpdate([new DataContent(pieces[i], mediaType)]);
            }
        }

        private async Task HoldAsync(TaskCompletionSource hold, CancellationToken cancellationToken)
        {
            try
            {
                await hold.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
