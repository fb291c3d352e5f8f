using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Promptly.Speech;
using Promptly.Tests.Support;

namespace Promptly.Tests.Speech;

public sealed class SpeechRegistrationTests
{
    [Theory]
    [InlineData("Voice:Stt:Endpoint", "localhost:8080", "Endpoint must be an absolute http(s) URL")]
    [InlineData("Voice:Tts:Endpoint", "ftp://example.com/v1", "Endpoint must be an absolute http(s) URL")]
    [InlineData("Voice:Stt:TimeoutMs", "0", "TimeoutMs")]
    [InlineData("Voice:Tts:MaxProcesses", "0", "MaxProcesses")]
    [InlineData("Voice:Tts:EspeakVoice", "--stdout", "EspeakVoice must be a voice name")]
    public void AddSpeech_BadSetting_FailsWithItsName(string key, string value, string message)
    {
        var services = Services(new() { [key] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => { _ = services.GetRequiredService<Transcriber>(); _ = services.GetRequiredService<Speaker>(); });

        Assert.Contains(message, failure.Message);
    }

    [Fact]
    public void AddSpeech_NoSettings_HasNoTranscriptionAndDefaults()
    {
        var services = Services([]);

        Assert.False(services.GetRequiredService<Transcriber>().Available);
        var tts = services.GetRequiredService<IOptions<TtsOptions>>().Value;
        Assert.Equal(("tts-1", "alloy", "espeak-ng", "en-us", 2 * Environment.ProcessorCount), (tts.Model, tts.Voice, tts.Espeak, tts.EspeakVoice, tts.MaxProcesses));
        var stt = services.GetRequiredService<IOptions<SttOptions>>().Value;
        Assert.Equal(("whisper-1", 3000), (stt.Model, stt.TimeoutMs));
    }

    [Fact]
    public void AddSpeech_EspeakMissing_HasNoSpeaker() =>
        Assert.False(Services(new() { ["Voice:Tts:Espeak"] = "/no/such/espeak-ng" }).GetRequiredService<Speaker>().Available);

    [FactWhenInstalled(Needs.EspeakNg)]
    public async Task AddSpeech_NoTtsEndpoint_SpeaksWithEspeak()
    {
        var speaker = Services([]).GetRequiredService<Speaker>();

        await foreach (var audio in speaker.SpeakAsync("Hello.", CancellationToken.None)) Assert.Equal(22_050, audio.SampleRate);
        Assert.True(speaker.Available);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSpeech(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
