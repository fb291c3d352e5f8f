namespace Promptly.Latency;

/// <summary>Phase names used by the interview path; any other name is allowed too.</summary>
public static class LatencyPhases
{
    public const string Load = "load";

    /// <summary>
    /// The interviewer call; with <see cref="AiFirstToken"/> its time is the record's <c>ai_processing_time_ms</c>.
    /// A streamed call splits in two: <see cref="AiFirstToken"/> up to the first token, then <see cref="Ai"/> for the rest.
    /// </summary>
    public const string Ai = "ai";

    /// <summary>
    /// A streamed call's time to its first token (<c>ai_time_to_first_token_ms</c>), retries included. It does not
    /// overlap <see cref="Ai"/>, so phases still add up to the response's time.
    /// </summary>
    public const string AiFirstToken = "ai_first_token";
    public const string Extract = "extract";

    /// <summary>
    /// A streamed turn's time handing the reply to its Server-Sent Events client: opening the stream and writing
    /// each piece. Taken out of <see cref="Ai"/>, so the model's time stays
    /// the model's and a slow reader shows here.
    /// </summary>
    public const string Stream = "stream";
    public const string Persist = "persist";

    /// <summary>A voice turn: from the end of the candidate's speech to the decision that the turn has ended.</summary>
    public const string EotWait = "eot_wait";

    /// <summary>A voice turn: from the end-of-turn decision until the previous reply was done and this turn was taken up.</summary>
    public const string TurnQueue = "turn_queue";

    /// <summary>A voice turn: speech to text, from taking the turn up to the transcript.</summary>
    public const string Stt = "stt";

    /// <summary>A voice turn: after the reply's text is complete, the wait for its first synthesized audio.</summary>
    public const string TtsFirstAudio = "tts_first_audio";
}
