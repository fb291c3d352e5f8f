using System.Text.Json.Serialization;

namespace Promptly.Alerts;

/// <summary>Source-generated serialization of this feature's wire types (the API's list and the webhook's body); snake_case names are the contract.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(AlertList))]
[JsonSerializable(typeof(Alert))]
internal sealed partial class AlertsJson : JsonSerializerContext;
