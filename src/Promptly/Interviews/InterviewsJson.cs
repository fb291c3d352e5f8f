using System.Text.Json.Serialization;

namespace Promptly.Interviews;

/// <summary>Source-generated serialization of this feature's wire types: no reflection on the hot path; snake_case names are the API's contract.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(StartSessionRequest))]
[JsonSerializable(typeof(TurnRequest))]
[JsonSerializable(typeof(SessionStartedResponse))]
[JsonSerializable(typeof(ErasedSession))]
[JsonSerializable(typeof(TurnResponse))]
[JsonSerializable(typeof(TokenEvent))]
[JsonSerializable(typeof(StreamProblem))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(InterviewStatsReport))]
[JsonSerializable(typeof(SessionListResponse))]
internal sealed partial class InterviewsJson : JsonSerializerContext;
