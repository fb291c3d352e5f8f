using Microsoft.Extensions.Options;
using Promptly.Audio;
using Promptly.Budget;
using Promptly.Interviews;
using Promptly.Speech;

namespace Promptly.Voice;

/// <summary>What every voice conversation uses, resolved once: the interview core, the budget, speech in and out, the voice activity detector and the settings.</summary>
internal sealed class VoiceServices(
    InterviewService interviews,
    LatencyBudget budget,
    Transcriber transcriber,
    Speaker speaker,
    IVoiceActivityDetectorFactory detectors,
    IOptions<VoiceOptions> options,
    IOptions<InterviewOptions> interviewOptions,
    ITurnRecordingStore recordings,
    TimeProvider time,
    ILogger<VoiceConversation> logger)
{
    public InterviewService Interviews => interviews;
    public LatencyBudget Budget => budget;
    public Transcriber Transcriber => transcriber;
    public Speaker Speaker => speaker;
    public IVoiceActivityDetectorFactory Detectors => detectors;
    public VoiceOptions Options => options.Value;
    public TimeProvider Time => time;
    public ILogger Logger => logger;
    public int MaxInputChars => interviewOptions.Value.MaxInputChars;
    public ITurnRecordingStore Recordings => recordings;

    public TurnDetectionOptions TurnDetection { get; } = new()
    {
        SilenceMs = options.Value.SilenceMs,
        MinTurnMs = options.Value.MinTurnMs,
        MaxTurnSeconds = options.Value.MaxTurnSeconds,
    };
}
