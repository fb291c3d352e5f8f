using System.Text.Json.Serialization;

namespace Promptly.Invitations;

/// <summary>Source-generated serialization of this feature's wire types: no reflection on the hot path; snake_case names are the API's contract.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(InvitationRequest))]
[JsonSerializable(typeof(InvitationView))]
[JsonSerializable(typeof(InvitationList))]
internal sealed partial class InvitationsJson : JsonSerializerContext;
