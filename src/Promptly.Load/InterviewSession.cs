namespace Promptly.Load;

/// <summary>An interview the <see cref="InterviewDriver"/> started: its addresses, built once, and where it stands.</summary>
/// <remarks>Not thread-safe: one request at a time holds a session (the server answers 409 to a second concurrent turn).</remarks>
internal sealed class InterviewSession(string id, Uri server)
{
    public string Id => id;

    /// <summary>The candidate's session token the server gave at the start: what a candidate's own client would use.</summary>
    public string? Token { get; init; }

    public Uri StateUri { get; } = new(server, "sessions/" + Uri.EscapeDataString(id));

    public Uri TurnUri { get; } = new(server, "sessions/" + Uri.EscapeDataString(id) + "/turns");

    /// <summary>Turns sent so far; picks the next answer.</summary>
    public int Turns { get; internal set; }

    /// <summary>The question number of the server's last answer: the turns it acknowledged.</summary>
    public int QuestionNumber { get; internal set; }

    /// <summary>
    /// No more turns can be taken: the interview ended (<c>done: true</c>), or the server refused a turn with 409
    /// (another turn in flight, or the session moved on), after which its state is not known.
    /// </summary>
    public bool Ended { get; internal set; }
}

/// <summary>
/// A place for one interview at a time that never runs dry: when its interview has ended, the next turn first starts
/// a new one (see <see cref="InterviewDriver.NextTurnAsync"/>).
/// </summary>
/// <remarks>Not thread-safe: one caller at a time uses a slot.</remarks>
internal sealed class InterviewSlot
{
    private readonly List<InterviewSession> _started = [];

    /// <summary>The interview turns go to now; null before the first turn.</summary>
    public InterviewSession? Session => _started.Count == 0 ? null : _started[^1];

    /// <summary>Every interview started in this slot, in order: the last one is <see cref="Session"/>.</summary>
    public IReadOnlyList<InterviewSession> Started => _started;

    internal void Add(InterviewSession session) => _started.Add(session);
}
