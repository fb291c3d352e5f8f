using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Promptly.Http;

namespace Promptly.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer …</c> as an operator key or a candidate's session token (a WebSocket
/// upgrade may send it as <c>access_token</c> in the query, as browsers cannot set headers there). Refusals are
/// problem+json: 401 without credentials, 403 with credentials that are wrong or do not reach the resource, 429 once
/// an address has failed too often. None of them says whether a session exists.
/// </summary>
internal sealed class AccessHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorKeys keys,
    SessionTokens tokens,
    ISessionCredentials sessions,
    FailedAuthLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string QueryParameter = "access_token";

    private bool _presented;
    private TimeSpan? _blockedFor;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Credentials() is not { } presented) return AuthenticateResult.NoResult();
        _presented = true;
        if (keys.Match(presented) is { } operatorCaller) return Success(operatorCaller);
        if (SessionTokens.Parse(presented) is var (sessionId, secret) && await GrantsAsync(sessionId, secret)) return Success(Callers.Candidate(sessionId));

        _blockedFor = failures.Failed(Context);
        return AuthenticateResult.Fail("The credentials are not an operator key or a valid session token.");
    }

    private string? Credentials()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim() is { Length: > 0 } value ? value : null;
        if (header.Length > 0) return header;
        return Context.WebSockets.IsWebSocketRequest && Request.Query[QueryParameter].ToString() is { Length: > 0 } query ? query : null;
    }

    private async Task<bool> GrantsAsync(string sessionId, string secret) =>
        tokens.Grants(await sessions.FindAsync(sessionId, Context.RequestAborted), secret);

    private AuthenticateResult Success(System.Security.Claims.ClaimsPrincipal user) => AuthenticateResult.Success(new AuthenticationTicket(user, Scheme.Name));

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blockedFor is { } wait) return TooManyAsync(wait);
        if (_presented) return WriteAsync(StatusCodes.Status403Forbidden, "Forbidden", "These credentials do not grant this request.");
        Response.Headers.WWWAuthenticate = "Bearer";
        return WriteAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send an operator key or your session token as 'Authorization: Bearer <token>'.");
    }

    /// <summary>A refusal decided by the route itself (<c>TypedResults.Forbid()</c>): 401 when no credentials came, as a challenge.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        _presented ? WriteAsync(StatusCodes.Status403Forbidden, "Forbidden", "These credentials do not grant this request.") : HandleChallengeAsync(properties);

    private Task TooManyAsync(TimeSpan wait)
    {
        Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteAsync(StatusCodes.Status429TooManyRequests, "Too many failed attempts", "This address sent wrong credentials too often; wait before trying again.");
    }

    private Task WriteAsync(int status, string title, string detail) => Problems.WriteAsync(Context, status, title, detail);
}
