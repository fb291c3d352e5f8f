namespace Promptly.Interviews;

/// <summary>Where the candidate's spoken turns are kept: one write per turn, after the turn itself is stored.</summary>
internal interface ITurnRecordingStore
{
    /// <summary>Keeps a turn's audio; a second write for the same turn replaces the first.</summary>
    Task SaveRecordingAsync(TurnRecording recording, CancellationToken cancellationToken);

    /// <summary>A turn's audio; null when none was kept.</summary>
    Task<TurnRecording?> RecordingAsync(string sessionId, int questionNumber, CancellationToken cancellationToken);
}

/// <summary>The candidate's audio of one turn as the server heard it: PCM16 little-endian mono at <paramref name="SampleRate"/>.</summary>
internal sealed record TurnRecording(string SessionId, int QuestionNumber, int SampleRate, byte[] Pcm, DateTimeOffset At);
