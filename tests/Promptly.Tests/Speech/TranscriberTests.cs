using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Promptly.Speech;
using Promptly.Tests.Support;

namespace Promptly.Tests.Speech;

public sealed class TranscriberTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private FakeSpeechServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeSpeechServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TranscribeAsync_Samples_UploadsThemAs16kMonoWavAndReturnsTheText()
    {
        _server.Transcribe = upload => $"heard {upload.Duration.TotalSeconds} s";
        var samples = Enumerable.Range(0, 24_000).Select(i => (short)(i * 7 - 30_000)).ToArray();

        var transcript = await Transcriber(_server.Settings(new() { ["Voice:Stt:Language"] = "en" })).TranscribeAsync(samples, CancellationToken.None);

        Assert.Equal(new Transcript("heard 1.5 s", TimeSpan.FromSeconds(1.5)), transcript);
        var upload = Assert.Single(_server.Uploads);
        Assert.Equal((16_000, 1, 16), (upload.SampleRate, upload.Channels, upload.BitsPerSample));
        Assert.Equal(samples, upload.Samples);
        Assert.Equal(("whisper-1", "en"), (upload.Model, upload.Language));
    }

    [Fact]
    public async Task TranscribeAsync_ServerFails_ThrowsSpeechFailedOnce()
    {
        _server.TranscriptionFailure = FakeSpeechFailure.Status500;

        var failure = await Assert.ThrowsAsync<SpeechFailedException>(() => Transcriber(_server.Settings()).TranscribeAsync(new short[1600], CancellationToken.None));

        Assert.NotNull(failure.InnerException);
        Assert.Equal(1, _server.TranscriptionCalls);
    }

    [Fact]
    public async Task TranscribeAsync_ServerHangsPastTheDeadline_ThrowsSpeechFailedAndAbandonsTheCall()
    {
        _server.TranscriptionFailure = FakeSpeechFailure.Hang;
        var transcribing = Transcriber(_server.Settings(new() { ["Voice:Stt:TimeoutMs"] = "500" })).TranscribeAsync(new short[1600], CancellationToken.None);
        await _server.Hanging.WaitAsync(TimeSpan.FromMinutes(1));

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(transcribing.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var failure = await Assert.ThrowsAsync<SpeechFailedException>(() => transcribing);
        Assert.Contains("500 ms", failure.Message);
        await _server.Abandoned.WaitAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task TranscribeAsync_CallerCancels_ThrowsOperationCanceled()
    {
        _server.TranscriptionFailure = FakeSpeechFailure.Hang;
        using var cancel = new CancellationTokenSource();
        var transcribing = Transcriber(_server.Settings()).TranscribeAsync(new short[1600], cancel.Token);
        await _server.Hanging.WaitAsync(TimeSpan.FromMinutes(1));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transcribing);
    }

    [Fact]
    public async Task TranscribeAsync_NoEndpoint_SaysUnavailableWithoutCalling()
    {
        var transcriber = Transcriber([]);

        var transcript = await transcriber.TranscribeAsync(new short[8000], CancellationToken.None);

        Assert.False(transcriber.Available);
        Assert.Equal(Transcript.Unavailable(TimeSpan.FromSeconds(0.5)), transcript);
        Assert.False(transcript.Available);
        Assert.Equal(0, _server.TranscriptionCalls);
    }

    private Transcriber Transcriber(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        services.AddSpeech(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider().GetRequiredService<Transcriber>();
    }
}
