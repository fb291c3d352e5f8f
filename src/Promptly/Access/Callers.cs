using System.Security.Claims;

namespace Promptly.Access;

/// <summary>The two kinds of caller and what their identities carry.</summary>
internal static class Callers
{
    public const string Scheme = "Promptly";
    public const string OperatorRole = "operator";
    public const string CandidateRole = "candidate";

    /// <summary>A candidate's session (the only one its token grants).</summary>
    public const string SessionClaim = "promptly:session";

    /// <summary>Which operator key was used: a short fingerprint, never the key (rate limits are per key).</summary>
    public const string KeyClaim = "promptly:key";

    public static bool IsOperator(this ClaimsPrincipal user) => user.IsInRole(OperatorRole);

    /// <summary>The session a candidate's token grants; null for anyone else.</summary>
    public static string? CandidateSession(this ClaimsPrincipal user) => user.IsInRole(CandidateRole) ? user.FindFirstValue(SessionClaim) : null;

    public static string? OperatorKey(this ClaimsPrincipal user) => user.IsOperator() ? user.FindFirstValue(KeyClaim) : null;

    public static ClaimsPrincipal Operator(string keyFingerprint) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Role, OperatorRole), new Claim(KeyClaim, keyFingerprint)], Scheme));

    public static ClaimsPrincipal Candidate(string sessionId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Role, CandidateRole), new Claim(SessionClaim, sessionId)], Scheme));
}
