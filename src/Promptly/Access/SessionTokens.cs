using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Promptly.Access;

/// <summary>
/// A candidate's session token: <c>{session id}.{256 random bits}</c>, returned once when the session starts and
/// stored only as the SHA-256 hash of its secret, so a copy of the database grants nothing. Naming the session in
/// the token lets a request be checked against that one session's hash, in constant time, without a search.
/// </summary>
internal sealed class SessionTokens(IOptions<AccessOptions> options, TimeProvider time)
{
    /// <summary>A new token for a session about to start, and what is stored of it.</summary>
    public (string Token, SessionAccess Access) Issue(string sessionId)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return ($"{sessionId}.{secret}", new SessionAccess(Hash(secret), time.GetUtcNow().AddHours(options.Value.SessionTokenHours)));
    }

    /// <summary>The session a token names, before it is checked; null when it is not shaped as a token.</summary>
    public static (string SessionId, string Secret)? Parse(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot == token.Length - 1 || dot > 64) return null;
        return (token[..dot], token[(dot + 1)..]);
    }

    /// <summary>Whether <paramref name="secret"/> is the session's, and has not expired.</summary>
    public bool Grants(SessionAccess? access, string secret) =>
        access is not null
        && CryptographicOperations.FixedTimeEquals(Hash(secret), access.TokenHash)
        && time.GetUtcNow() < access.ExpiresAt;

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
