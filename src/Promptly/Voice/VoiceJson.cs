using System.Text.Json.Serialization;

namespace Promptly.Voice;

/// <summary>Source-generated serialization of the voice socket's messages; snake_case as the rest of the API.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ReadyEvent))]
[JsonSerializable(typeof(QuestionEvent))]
[JsonSerializable(typeof(MarkEvent))]
[JsonSerializable(typeof(TranscriptEvent))]
[JsonSerializable(typeof(TurnEndedEvent))]
[JsonSerializable(typeof(LatencyEvent))]
[JsonSerializable(typeof(AudioStartEvent))]
[JsonSerializable(typeof(ErrorEvent))]
[JsonSerializable(typeof(ClientMessage))]
internal sealed partial class VoiceJson : JsonSerializerContext;
