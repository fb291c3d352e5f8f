namespace Promptly.Invitations;

/// <summary>An invitation to an INVITED interview; it starts at most one session.</summary>
internal sealed record Invitation(string Token, string ConceptId, string? Candidate, DateTimeOffset CreatedAt, string? SessionId, DateTimeOffset? StartedAt);
