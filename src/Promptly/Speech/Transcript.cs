namespace Promptly.Speech;

/// <summary>What the candidate said in one turn.</summary>
/// <param name="Text">The words; empty when nothing was recognised or when <paramref name="Available"/> is false.</param>
/// <param name="AudioDuration">Length of the audio that was (or would have been) transcribed.</param>
/// <param name="Available">False when no speech-to-text provider is configured, so the text is not the candidate's.</param>
internal sealed record Transcript(string Text, TimeSpan AudioDuration, bool Available = true)
{
    public static Transcript Unavailable(TimeSpan audioDuration) => new("", audioDuration, Available: false);
}
