namespace Promptly.TurnLoad;

/// <summary>
/// One of the sessions kept busy. A slot is held by one connection at a time, so a session never has two turns in
/// flight: the throughput measured is that of independent candidates, not of the per-session lock.
/// </summary>
internal sealed class SessionSlot
{
    public string? SessionId;
    public int AcknowledgedQuestion;
    public bool Done = true;
}

/// <summary>What the server acknowledged for one session: the last question number it answered with.</summary>
internal sealed record Acknowledged(string SessionId, int QuestionNumber);
