namespace Promptly.Invitations;

/// <summary>An invitation to an INVITED interview; it starts at most one session, and only before it expires or is revoked.</summary>
internal sealed record Invitation(
    string Token, string ConceptId, string? Candidate, DateTimeOffset CreatedAt, string? SessionId, DateTimeOffset? StartedAt,
    DateTimeOffset? ExpiresAt = null, DateTimeOffset? RevokedAt = null)
{
    /// <summary>Why it can no longer start a session, or null when it still can (it may have started one already).</summary>
    public string? Closed(DateTimeOffset now) =>
        RevokedAt is not null ? "revoked" : ExpiresAt is { } expires && now >= expires ? "expired" : null;

    public string Status(DateTimeOffset now) => SessionId is not null ? "used" : Closed(now) ?? "open";
}
