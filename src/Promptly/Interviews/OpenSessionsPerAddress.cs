using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Promptly.Access;

namespace Promptly.Interviews;

/// <summary>
/// Interviews started without a key that are still open, per client address (<c>RateLimits:OpenSessionsPerAddress</c>):
/// one person, or one script, cannot hold more open at once. A session counts while the session cache holds it
/// open, so the count is per server instance and errs on the lenient side (a session evicted from memory no longer
/// counts); the start rate per address bounds what that could let through.
/// </summary>
internal sealed class OpenSessionsPerAddress(SessionCache cache, IOptionsMonitor<RateLimitOptions> options)
{
    private readonly ConcurrentDictionary<string, List<string>> _open = new();

    /// <summary>Whether <paramref name="address"/> may open one more session now.</summary>
    public bool MayOpen(string address)
    {
        if (!_open.TryGetValue(address, out var sessions)) return true;
        lock (sessions)
        {
            sessions.RemoveAll(id => cache.Find(id) is not { IsOpen: true });
            // An address with nothing open is forgotten, so the map holds only addresses with open interviews.
            if (sessions.Count == 0) _open.TryRemove(new KeyValuePair<string, List<string>>(address, sessions));
            return sessions.Count < options.CurrentValue.OpenSessionsPerAddress;
        }
    }

    /// <summary>A session <paramref name="address"/> opened.</summary>
    public void Opened(string address, string sessionId)
    {
        var sessions = _open.GetOrAdd(address, _ => []);
        lock (sessions) sessions.Add(sessionId);
    }
}
