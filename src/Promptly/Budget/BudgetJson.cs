using System.Text.Json.Serialization;

namespace Promptly.Budget;

/// <summary>Source-generated serialization of this feature's wire types: no reflection on the hot path; snake_case names are the API's contract.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SessionCompliance))]
[JsonSerializable(typeof(SlowResponses))]
[JsonSerializable(typeof(BudgetSettings))]
[JsonSerializable(typeof(BudgetOverride))]
internal sealed partial class BudgetJson : JsonSerializerContext;
