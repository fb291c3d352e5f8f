using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Audio;

// ISpeechToTextClient and ITextToSpeechClient are experimental (MEAI001) in Microsoft.Extensions.AI 10.x: accepted, as
// their shape may still change and the Speech folder is the only one that would have to follow.
#pragma warning disable MEAI001

namespace Promptly.Speech;

internal static class SpeechRegistration
{
    /// <summary>
    /// Registers <see cref="Transcriber"/> and <see cref="Speaker"/> with the providers the <c>Voice:Stt</c> and
    /// <c>Voice:Tts</c> settings choose: an OpenAI-compatible endpoint when set; otherwise no transcription, and speech
    /// from espeak-ng if it is installed, else none.
    /// </summary>
    public static IServiceCollection AddSpeech(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SttOptions>().Bind(configuration.GetSection(SttOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TtsOptions>().Bind(configuration.GetSection(TtsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SttOptions>>();
            return new Transcriber(CreateSpeechToText(options.Value), options, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TtsOptions>>().Value;
            return new Speaker(CreateTextToSpeech(options), CreateDeadline(options, sp.GetRequiredService<TimeProvider>()));
        });
        return services;
    }

    private static ISpeechToTextClient? CreateSpeechToText(SttOptions options) =>
        options.IsConfigured ? AudioClient(options.Endpoint!, options.Model, options.ApiKey).AsISpeechToTextClient() : null;

    private static ITextToSpeechClient? CreateTextToSpeech(TtsOptions options)
    {
        if (!options.Enabled) return null;
        if (options.IsConfigured) return new OpenAiTextToSpeechClient(AudioClient(options.Endpoint!, options.Model, options.ApiKey), options.Model, options.Voice);
        return EspeakTextToSpeechClient.Locate(options.Espeak) is { } espeak
            ? new EspeakTextToSpeechClient(espeak, options)
            : null;
    }

    /// <summary>A remote provider is held to a deadline, with espeak-ng behind it when allowed and installed; espeak-ng itself runs locally and needs none.</summary>
    private static SpeakerDeadline? CreateDeadline(TtsOptions options, TimeProvider time)
    {
        if (!options.Enabled || !options.IsConfigured) return null;
        var espeak = options.FallbackToEspeak ? EspeakTextToSpeechClient.Locate(options.Espeak) : null;
        return new SpeakerDeadline(
            TimeSpan.FromMilliseconds(options.FirstAudioDeadlineMs), time,
            espeak is null ? null : new EspeakTextToSpeechClient(espeak, options), espeak is null ? null : "espeak-ng");
    }

    private static AudioClient AudioClient(string endpoint, string model, string? apiKey) =>
        new OpenAIClient(
            new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "unused" : apiKey),
            new OpenAIClientOptions
            {
                Endpoint = new Uri(endpoint),
                // A turn has one deadline for its speech; the SDK's own retries, with their own waits, would not know it.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            }).GetAudioClient(model);
}
