using Microsoft.Extensions.Options;
using Promptly.Audio;
using Promptly.Http;
using Promptly.Speech;

namespace Promptly.Voice;

internal static class VoiceRegistration
{
    public static WebApplicationBuilder AddVoice(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<VoiceOptions>().BindConfiguration(VoiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSpeech(builder.Configuration);
        builder.Services.AddSingleton<IVoiceActivityDetectorFactory>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<VoiceOptions>>().Value;
            return options.UsesSilero ? new SileroDetectorFactory(options.SileroModel!) : new EnergyDetectorFactory();
        });
        builder.Services.AddSingleton<VoiceServices>();
        builder.Services.AddSingleton<VoiceConnections>();
        builder.Services.AddJsonContext(VoiceJson.Default);
        return builder;
    }
}
