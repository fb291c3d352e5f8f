using System.ComponentModel.DataAnnotations;

namespace Promptly.Voice;

/// <summary>Voice interviews over WebSocket. Bound from the <c>Voice</c> section (speech providers: <c>Voice:Stt</c>, <c>Voice:Tts</c>).</summary>
internal sealed class VoiceOptions : IValidatableObject
{
    public const string Section = "Voice";

    /// <summary>
    /// Silence after speech that ends the turn, in ms of audio. Default 800: pauses to think inside an answer are
    /// mostly shorter, and the wait is part of the 2000 ms budget (it runs from the end of speech), so 2 s would spend
    /// the whole budget before the interviewer could start.
    /// </summary>
    [Range(100, 10_000)]
    public int SilenceMs { get; set; } = 800;

    /// <summary>A turn never ends by silence before this much audio since its speech began. Default 1000: a short "yes" still ends promptly.</summary>
    [Range(0, 60_000)]
    public int MinTurnMs { get; set; } = 1000;

    /// <summary>Longest turn, in seconds of audio; it ends there (<c>max_duration</c>) and its buffer never grows past it. Default 300.</summary>
    [Range(1, 3600)]
    public int MaxTurnSeconds { get; set; } = 300;

    /// <summary>
    /// The transcript must be there this many ms after the end of speech; later, the candidate is asked to say it
    /// again (the response is recorded as failed, with why). Default 1400: the 800 ms of silence, then room for the
    /// interviewer and the first audio inside the 2000 ms budget. The transcription starts at the answer's first
    /// pause, so most of it happens during the silence.
    /// </summary>
    [Range(100, 600_000)]
    public int SttDeadlineMs { get; set; } = 1400;

    /// <summary><c>energy</c> (built in, the default) or <c>silero</c> (Silero VAD v5 with ONNX Runtime; needs <see cref="SileroModel"/>).</summary>
    [RegularExpression("^(?i)(energy|silero)$")]
    public string Vad { get; set; } = "energy";

    /// <summary>Path of <c>silero_vad_v5.onnx</c> (from the npm package <c>@ricky0123/vad-web</c>, <c>dist/</c>).</summary>
    public string? SileroModel { get; set; }

    /// <summary>
    /// How far ahead of real time the interviewer's audio is sent, in ms. The client buffers this much; less would
    /// stutter on a slow network, more would keep playing after a barge-in stopped the sending. Default 500.
    /// </summary>
    [Range(0, 3_600_000)]
    public int AudioLeadMs { get; set; } = 500;

    /// <summary>
    /// Whether each spoken turn's audio is kept (16 kHz PCM16, one database write per turn, after the turn is stored;
    /// <c>GET /sessions/{id}/turns/{n}/audio</c>). Default true: what the candidate said, as heard, is the evidence a
    /// transcript can be checked against.
    /// </summary>
    public bool KeepAudio { get; set; } = true;

    /// <summary>
    /// Most turns (spoken, typed or skipped) waiting for their reply or being answered at once; one more gets an
    /// <c>error</c> (429) and is not taken. Replies go out one at a time in real time, so without a limit a client that
    /// sends turns faster than they are answered, or stops reading the replies, would have the server queue work
    /// without end. Default 4: a candidate who speaks on over a reply or two is still answered, in order.
    /// </summary>
    [Range(1, 1000)]
    public int MaxPendingTurns { get; set; } = 4;

    /// <summary>Largest WebSocket message accepted, in bytes; 200 ms of 48 kHz audio is 19,200. Default 65,536.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    public bool UsesSilero => Vad.Equals("silero", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesSilero && string.IsNullOrWhiteSpace(SileroModel))
        {
            yield return new ValidationResult(
                "Voice:Vad is 'silero' but Voice:SileroModel is not set: give the path of silero_vad_v5.onnx (README, 'Voice interviews').", [nameof(SileroModel)]);
        }
        else if (UsesSilero && !File.Exists(SileroModel))
        {
            yield return new ValidationResult($"Voice:SileroModel '{SileroModel}' does not exist.", [nameof(SileroModel)]);
        }
    }
}
