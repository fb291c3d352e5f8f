namespace Promptly.Access;

/// <summary>What is stored of a candidate's session token: the SHA-256 hash of its secret, and when it expires.</summary>
internal sealed record SessionAccess(byte[] TokenHash, DateTimeOffset ExpiresAt);

/// <summary>Finds what is stored of a session's token, for checking a token that names the session.</summary>
internal interface ISessionCredentials
{
    /// <summary>The session's token as stored; null when there is no such session or it has no token.</summary>
    Task<SessionAccess?> FindAsync(string sessionId, CancellationToken cancellationToken);
}
