using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Promptly.Observability;

namespace Promptly.Interviews;

/// <summary>
/// Sessions held in memory between turns, bounded by <see cref="InterviewOptions.SessionCacheSize"/>. A session
/// leaves when it closes (<see cref="InterviewService"/> removes it), so the cache holds the interviews in progress,
/// not every one since the start. When full, the least recently used go; a dropped session is read back from
/// storage when next needed, so eviction costs a read, never data.
/// </summary>
/// <remarks>Thread-safe. Eviction runs on the adding thread, at most one at a time.</remarks>
internal sealed class SessionCache
{
    private readonly ConcurrentDictionary<string, InterviewState> _sessions = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private int _evicting;

    public SessionCache(IOptions<InterviewOptions> options, TimeProvider time, PromptlyInstruments instruments)
    {
        _capacity = options.Value.SessionCacheSize;
        _time = time;
        instruments.Observe("promptly.sessions.active", "{session}", "Interviews in progress held by this instance (taken up and not closed).", () => _sessions.Count);
    }

    public int Count => _sessions.Count;

    public InterviewState? Find(string id)
    {
        if (!_sessions.TryGetValue(id, out var state)) return null;
        state.LastUsed = _time.GetTimestamp();
        return state;
    }

    /// <summary>Adds a state, or returns the one another request added first.</summary>
    public InterviewState Add(InterviewState state)
    {
        state.LastUsed = _time.GetTimestamp();
        var kept = _sessions.GetOrAdd(state.Id, state);
        if (_sessions.Count > _capacity) Evict();
        return kept;
    }

    public void Remove(string id) => _sessions.TryRemove(id, out _);

    private void Evict()
    {
        if (Interlocked.Exchange(ref _evicting, 1) == 1) return;
        try
        {
            // Drop down to 90% so eviction runs once per many additions, not on every one.
            var excess = _sessions.Count - (int)(_capacity * 0.9);
            if (excess <= 0) return;
            var victims = _sessions.Values
                .OrderBy(s => s.LastUsed)
                .Take(excess)
                .Select(s => s.Id)
                .ToList();
            foreach (var id in victims) _sessions.TryRemove(id, out _);
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }
}
