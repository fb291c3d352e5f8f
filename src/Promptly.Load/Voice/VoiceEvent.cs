using System.Text.Json.Serialization;

namespace Promptly.Load.Voice;

/// <summary>
/// One JSON event of the server on a voice socket, every kind in one shape: <see cref="Type"/> says which, and the
/// fields that kind does not carry stay null (README, "Voice interviews", lists them).
/// </summary>
internal sealed record VoiceEvent
{
    public string Type { get; init; } = "";

    /// <summary><c>question</c>, <c>transcript</c>: the words.</summary>
    public string? Text { get; init; }

    public int? QuestionNumber { get; init; }

    /// <summary><c>question</c>: the step's kind (<c>repeat</c> when the server asks to say it again).</summary>
    public string? Kind { get; init; }

    /// <summary><c>question</c>: the interview is over after this reply.</summary>
    public bool? Done { get; init; }

    /// <summary><c>turn_ended</c>: <c>silence</c>, <c>max_duration</c> or <c>client</c>.</summary>
    public string? Reason { get; init; }

    /// <summary><c>ready</c>, <c>audio_start</c>.</summary>
    public int? SampleRate { get; init; }

    /// <summary><c>ready</c>: whether the server speaks its replies (else no audio follows a question).</summary>
    public bool? Speaks { get; init; }

    /// <summary><c>transcript</c>: false when no speech-to-text is configured and the text is a placeholder.</summary>
    public bool? Transcribed { get; init; }

    public int? Status { get; init; }

    public string? Title { get; init; }

    public string? Detail { get; init; }

    /// <summary><c>latency</c>: the server's record of the response.</summary>
    public VoiceLatency? Latency { get; init; }
}

/// <summary>The part of a <c>latency</c> event's record the clients report.</summary>
internal sealed record VoiceLatency(double ResponseTimeMs, Dictionary<string, double>? Phases, bool Failed, string? Error);

/// <summary>The client's JSON messages: <c>start</c> with the rate, or a bare <c>type</c> (<c>end_turn</c>, <c>end_interview</c>, …).</summary>
internal sealed record VoiceMessage(string Type, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SampleRate = null);

/// <summary>Source-generated, snake_case as the server's.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(VoiceEvent))]
[JsonSerializable(typeof(VoiceMessage))]
internal sealed partial class VoiceJson : JsonSerializerContext;
