namespace Promptly.Load;

/// <summary>
/// The sessions that <c>get_interview</c> and <c>take_turn</c> use. Every known session can be read; a session is
/// lent to one <c>take_turn</c> at a time (the server answers 409 to a second concurrent turn) and comes back only
/// if its interview goes on.
/// </summary>
/// <remarks>
/// Thread-safe: sessions are added and returned from many request completions at once. The ring of known sessions is
/// written with an interlocked index, so a reader may see an older session in a slot, never a torn one.
/// </remarks>
internal sealed class SessionPool(int capacity)
{
    private readonly InterviewSession?[] _known = new InterviewSession?[capacity];
    private readonly System.Collections.Concurrent.ConcurrentQueue<InterviewSession> _free = new();
    private long _added;
    private int _freeCount;

    /// <summary>Adds a new session: readable at once, and free for a turn unless enough are free already.</summary>
    public void Add(InterviewSession session)
    {
        var slot = (Interlocked.Increment(ref _added) - 1) % capacity;
        Volatile.Write(ref _known[slot], session);
        Return(session);
    }

    /// <summary>Any known session, for a read; null before the first one.</summary>
    public InterviewSession? Any(Random random)
    {
        var count = Math.Min(Interlocked.Read(ref _added), capacity);
        return count == 0 ? null : Volatile.Read(ref _known[random.NextInt64(count)]);
    }

    /// <summary>A session no other turn is using, or null when none is free.</summary>
    public InterviewSession? TakeFree()
    {
        if (!_free.TryDequeue(out var session)) return null;
        Interlocked.Decrement(ref _freeCount);
        return session;
    }

    /// <summary>Gives a lent session back after its turn, when the interview goes on.</summary>
    public void Return(InterviewSession session)
    {
        if (Interlocked.Increment(ref _freeCount) > capacity)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }

        _free.Enqueue(session);
    }
}
