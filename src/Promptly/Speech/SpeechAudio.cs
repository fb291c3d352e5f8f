namespace Promptly.Speech;

/// <summary>A piece of synthesized speech: mono signed 16-bit samples at <paramref name="SampleRate"/> Hz.</summary>
internal readonly record struct SpeechAudio(ReadOnlyMemory<short> Samples, int SampleRate)
{
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}
