using System.Text.Json.Serialization;

namespace Promptly.Guides;

/// <summary>Source-generated serialization of this feature's wire types: no reflection on the hot path; snake_case names are the API's contract.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(IEnumerable<GuideSummary>))]
[JsonSerializable(typeof(InterviewGuide))]
internal sealed partial class GuidesJson : JsonSerializerContext;
