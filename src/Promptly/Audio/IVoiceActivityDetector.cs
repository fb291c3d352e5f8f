namespace Promptly.Audio;

/// <summary>
/// Says how likely a frame of 16 kHz audio holds speech. Stateful (it learns the noise or carries a model's memory
/// from frame to frame), so each audio stream has its own, made by an <see cref="IVoiceActivityDetectorFactory"/>.
/// </summary>
/// <remarks>Not thread-safe: one stream feeds it, one frame at a time.</remarks>
internal interface IVoiceActivityDetector : IDisposable
{
    /// <summary>How many samples at <see cref="SampleRates.Pipeline"/> each decision takes.</summary>
    int FrameSamples { get; }

    /// <summary>The probability, 0 to 1, that <paramref name="frame"/> (exactly <see cref="FrameSamples"/> samples in [-1, 1]) is speech.</summary>
    float SpeechProbability(ReadOnlySpan<float> frame);

    /// <summary>Forgets what earlier frames taught it, as for a new stream.</summary>
    void Reset();
}
