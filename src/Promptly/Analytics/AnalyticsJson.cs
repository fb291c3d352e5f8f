using System.Text.Json.Serialization;

namespace Promptly.Analytics;

/// <summary>Source-generated serialization of this feature's wire types: no reflection on the hot path; snake_case names are the API's contract.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(WindowCompliance))]
[JsonSerializable(typeof(EventsAccepted))]
[JsonSerializable(typeof(EventError[]))]
[JsonSerializable(typeof(LatencySummary))]
[JsonSerializable(typeof(PhaseBreakdown))]
[JsonSerializable(typeof(BottleneckReport))]
[JsonSerializable(typeof(TrendReport))]
[JsonSerializable(typeof(RecommendationReport))]
internal sealed partial class AnalyticsJson : JsonSerializerContext;
