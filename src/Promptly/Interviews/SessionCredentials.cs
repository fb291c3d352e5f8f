using Promptly.Access;

namespace Promptly.Interviews;

/// <summary>A session's stored token, read through the session cache, for the access handler.</summary>
internal sealed class SessionCredentials(InterviewService interviews) : ISessionCredentials
{
    public async Task<SessionAccess?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return (await interviews.GetStateAsync(sessionId, cancellationToken)).Session.Access;
        }
        catch (Exception e) when (e is InterviewNotFoundException or InterviewConflictException)
        {
            // No such session, or one that cannot be loaded: no token of it is good.
            return null;
        }
    }
}
