namespace Promptly.Latency;

/// <summary>How a response was exchanged; a voice response is timed voice to voice.</summary>
public static class LatencyChannels
{
    public const string Text = "text";

    /// <summary>From the last voiced audio of the candidate's turn to the interviewer's first audio.</summary>
    public const string Voice = "voice";

    public static readonly IReadOnlyList<string> All = [Text, Voice];
}
