namespace Promptly.Audio;

/// <summary>The sample rates audio arrives in, and the one rate everything after the resampler runs at.</summary>
internal static class SampleRates
{
    /// <summary>The rate of the whole pipeline: voice activity detection, turn audio, speech-to-text. Silero VAD needs 16 kHz.</summary>
    public const int Pipeline = 16000;

    /// <summary>The rates a client may send: telephony, wideband, and what browsers and OpenAI audio use.</summary>
    public static IReadOnlyList<int> Accepted { get; } = [8000, 16000, 24000, 48000];

    public static bool IsAccepted(int rate) => rate is 8000 or 16000 or 24000 or 48000;
}
