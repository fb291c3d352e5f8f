namespace Promptly.Audio;

/// <summary>Makes one <see cref="IVoiceActivityDetector"/> per audio stream, sharing whatever is costly to load.</summary>
/// <remarks>Thread-safe: streams open concurrently.</remarks>
internal interface IVoiceActivityDetectorFactory
{
    /// <summary>Short name for logs and metrics: <c>energy</c>, <c>silero</c>.</summary>
    string Name { get; }

    IVoiceActivityDetector Create();
}
