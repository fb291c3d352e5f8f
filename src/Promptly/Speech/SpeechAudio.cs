namespace Promptly.Speech;

/// <summary>A piece of synthesized speech: mono signed 16-bit samples at <paramref name="SampleRate"/> Hz.</summary>
internal readonly record struct SpeechAudio(ReadOnlyMemory<short> Samples, int SampleRate)
{
    /// <summary>On the first piece a fallback provider spoke: why the configured one was not heard.</summary>
    public string? FallbackCause { get; init; }

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}
