using System.Collections.Concurrent;

namespace Promptly.Tests.Crash;

/// <summary>What the load should have written before the server is killed: so many acknowledged writes of each kind.</summary>
internal sealed record KillPoint(int TextTurns, int VoiceTurns, int EventBatches);

/// <summary>A turn as it was sent: the candidate's words (null for speech, whose words are the server's transcript) and the channel.</summary>
internal sealed record SentTurn(string? Answer, string Channel);

/// <summary>A batch of ingested events, named by its events' run ids.</summary>
internal sealed record EventBatch(string Id, IReadOnlyList<string> RunIds);

/// <summary>One session's writes, kept by the one load client that drives it (so without locks of its own).</summary>
internal sealed class SessionWrites(string id)
{
    public string Id { get; } = id;

    /// <summary>Every turn sent, by the question number it would get; the last may be unanswered when the server died.</summary>
    public Dictionary<int, SentTurn> Sent { get; } = [];

    /// <summary>Every turn answered, by its question number, with the words stored (typed, or as transcribed).</summary>
    public Dictionary<int, SentTurn> Acknowledged { get; } = new() { [0] = new SentTurn(null, "text") };

    /// <summary>The question number the next turn gets: turns of a session are sent one at a time.</summary>
    public int Next => Acknowledged.Keys.Max() + 1;
}

/// <summary>
/// Every write the crash test's load sent and every one the server acknowledged (a 200 answer, a voice turn's
/// <c>latency</c> event), shared by the load clients; says when the kill point is reached and how many writes were in
/// flight at the kill.
/// </summary>
internal sealed class WriteLog(KillPoint killPoint)
{
    private readonly ConcurrentDictionary<string, SessionWrites> _sessions = new();
    private readonly ConcurrentDictionary<string, EventBatch> _sent = new();
    private readonly ConcurrentDictionary<string, EventBatch> _acknowledged = new();
    private readonly TaskCompletionSource _killPointReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _textTurns;
    private int _voiceTurns;
    private int _inFlight;
    private volatile bool _serverKilled;

    /// <summary>Sessions whose start was acknowledged.</summary>
    public ICollection<SessionWrites> Sessions => _sessions.Values;

    public ICollection<EventBatch> SentBatches => _sent.Values;

    public ICollection<EventBatch> AcknowledgedBatches => _acknowledged.Values;

    public int TextTurns => Volatile.Read(ref _textTurns);

    public int VoiceTurns => Volatile.Read(ref _voiceTurns);

    /// <summary>Completes once every kind of write has reached its count in the <see cref="KillPoint"/>.</summary>
    public Task KillPointReached => _killPointReached.Task;

    /// <summary>
    /// Set just before the kill: a request failing from then on was cut off by it (stored or not, it was never
    /// acknowledged), while a failure before it fails the test.
    /// </summary>
    public bool ServerKilled => _serverKilled;

    /// <summary>Marks the kill as about to happen and returns how many writes are in flight (sent, not yet answered).</summary>
    public int MarkKilled()
    {
        _serverKilled = true;
        return Volatile.Read(ref _inFlight);
    }

    public void Sending() => Interlocked.Increment(ref _inFlight);

    public SessionWrites Started(string sessionId)
    {
        Interlocked.Decrement(ref _inFlight);
        var session = new SessionWrites(sessionId);
        _sessions[sessionId] = session;
        return session;
    }

    public void Sending(SessionWrites session, SentTurn turn)
    {
        session.Sent[session.Next] = turn;
        Sending();
    }

    /// <param name="answer">The words the server stored for the turn: those typed, or the transcript of those spoken.</param>
    public void Acknowledged(SessionWrites session, int questionNumber, string answer)
    {
        var expected = session.Next;
        if (questionNumber != expected)
        {
            throw new InvalidOperationException($"Session {session.Id}: a turn sent as question {expected} was acknowledged as question {questionNumber}.");
        }

        var turn = session.Sent[questionNumber] with { Answer = answer };
        session.Acknowledged[questionNumber] = turn;
        Interlocked.Decrement(ref _inFlight);
        if (turn.Channel == "voice") Interlocked.Increment(ref _voiceTurns);
        else Interlocked.Increment(ref _textTurns);
        CheckKillPoint();
    }

    public void Sending(EventBatch batch)
    {
        _sent[batch.Id] = batch;
        Sending();
    }

    public void Acknowledged(EventBatch batch)
    {
        _acknowledged[batch.Id] = batch;
        Interlocked.Decrement(ref _inFlight);
        CheckKillPoint();
    }

    private void CheckKillPoint()
    {
        if (TextTurns >= killPoint.TextTurns && VoiceTurns >= killPoint.VoiceTurns && _acknowledged.Count >= killPoint.EventBatches)
        {
            _killPointReached.TrySetResult();
        }
    }
}
