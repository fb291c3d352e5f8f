namespace Promptly.Audio;

/// <summary>What the turn detector noticed, and where on the audio clock (samples at 16 kHz since the stream began).</summary>
/// <param name="Sample">
/// <see cref="AudioEventKind.SpeechStarted"/> and <see cref="AudioEventKind.SpeechResumed"/>: the first sample of the
/// speech. <see cref="AudioEventKind.Paused"/> and <see cref="AudioEventKind.TurnEnded"/>: the end of the last voiced
/// audio (for a turn ended with no speech in it, where it was ended).
/// </param>
/// <param name="Reason">Why the turn ended; <see cref="TurnEndReason.None"/> for every other kind.</param>
internal readonly record struct AudioEvent(AudioEventKind Kind, long Sample, TurnEndReason Reason = TurnEndReason.None);

internal enum AudioEventKind
{
    /// <summary>Speech began: the start of a turn, or, after a turn ended and before the next, the candidate talking over the answer.</summary>
    SpeechStarted,

    /// <summary>The speech has paused for <see cref="TurnDetectionOptions.PauseMs"/>: worth starting work the turn's end would need.</summary>
    Paused,

    /// <summary>Speech came back after a reported pause: work started on it is stale.</summary>
    SpeechResumed,

    TurnEnded,
}

internal enum TurnEndReason
{
    None,

    /// <summary><see cref="TurnDetectionOptions.SilenceMs"/> of silence after speech.</summary>
    Silence,

    /// <summary>The turn reached <see cref="TurnDetectionOptions.MaxTurnSeconds"/>.</summary>
    MaxDuration,

    /// <summary>The transport ended it: the client said so, or stopped sending audio.</summary>
    Client,
}
