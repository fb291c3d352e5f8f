using System.Text.Json.Serialization;
using Promptly.Analytics;
using Promptly.Bench;
using Promptly.Budget;
using Promptly.Diagnostics;
using Promptly.Errors;
using Promptly.Export;
using Promptly.Graph;
using Promptly.Guides;
using Promptly.Health;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Telemetry;

namespace Promptly.Http;

/// <summary>
/// Source-generated serialization for every wire type: no reflection on the hot path. Names are snake_case, the
/// API's contract.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(StartSessionRequest))]
[JsonSerializable(typeof(TurnRequest))]
[JsonSerializable(typeof(SessionStartedResponse))]
[JsonSerializable(typeof(TurnResponse))]
[JsonSerializable(typeof(TokenEvent))]
[JsonSerializable(typeof(StreamProblem))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(SessionCompliance))]
[JsonSerializable(typeof(WindowCompliance))]
[JsonSerializable(typeof(SlowResponses))]
[JsonSerializable(typeof(BudgetSettings))]
[JsonSerializable(typeof(BudgetOverride))]
[JsonSerializable(typeof(ErrorList))]
[JsonSerializable(typeof(RequestMetricsReport))]
[JsonSerializable(typeof(IEnumerable<GuideSummary>))]
[JsonSerializable(typeof(InterviewGuide))]
[JsonSerializable(typeof(ConceptGraph))]
[JsonSerializable(typeof(SessionExport))]
[JsonSerializable(typeof(InvitationRequest))]
[JsonSerializable(typeof(InvitationView))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(EventsAccepted))]
[JsonSerializable(typeof(EventError[]))]
[JsonSerializable(typeof(LatencySummary))]
[JsonSerializable(typeof(PhaseBreakdown))]
[JsonSerializable(typeof(BottleneckReport))]
[JsonSerializable(typeof(TrendReport))]
[JsonSerializable(typeof(RecommendationReport))]
[JsonSerializable(typeof(BenchResult))]
[JsonSerializable(typeof(MemoryReport))]
internal sealed partial class PromptlyJson : JsonSerializerContext;
