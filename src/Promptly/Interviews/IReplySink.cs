using Promptly.Latency;

namespace Promptly.Interviews;

/// <summary>
/// Receives the interviewer's words as they come, for a client that reads the reply while it is produced (Server-Sent
/// Events). The pieces delivered since the last <see cref="ResetAsync"/> always add up to the reply's final text.
/// </summary>
/// <remarks>
/// Called by one turn at a time, never concurrently. Methods throw only <see cref="OperationCanceledException"/> when
/// the token is cancelled (the client left); any other failure to deliver counts as the client having left.
/// </remarks>
internal interface IReplySink
{
    /// <summary>The turn was accepted (the session exists and is open): from here on errors travel in the stream.</summary>
    ValueTask OpenAsync(CancellationToken cancellationToken);

    /// <summary>The next piece of the reply; never empty.</summary>
    ValueTask WriteAsync(string piece, CancellationToken cancellationToken);

    /// <summary>Forget the pieces so far: the attempt that sent them failed, and a retry or the fallback follows.</summary>
    ValueTask ResetAsync(CancellationToken cancellationToken);

    /// <summary>All the time spent delivering so far, so the turn's phases can show it apart from the model's.</summary>
    TimeSpan WriteTime { get; }

    /// <summary>
    /// The reply's words are all delivered; completes when the transport is ready to answer with them (a spoken
    /// reply: its first audio is synthesized). Timed as <see cref="CompletePhase"/>, before the turn is stored.
    /// </summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);

    /// <summary>The phase <see cref="CompleteAsync"/> is timed as.</summary>
    string CompletePhase { get; }

    /// <summary>
    /// Tells the response's tracker what the transport did that the core cannot see, after <see cref="CompleteAsync"/>:
    /// output the candidate got before the reply was stored, a fallback of its own. Nothing by default.
    /// </summary>
    void ReportTo(LatencyTracker tracker)
    {
    }
}

/// <summary>
/// Feeds a sink pieces that add up to <see cref="string.Trim()"/> of what was appended, as the stored reply is: leading
/// whitespace is dropped and trailing whitespace is held back until more text follows it.
/// </summary>
internal sealed class ReplyPieces(IReplySink? sink)
{
    private bool _delivered;
    private string _held = "";

    public async ValueTask AppendAsync(string piece, CancellationToken cancellationToken)
    {
        if (sink is null) return;
        if (!_delivered) piece = piece.TrimStart();
        var body = piece.TrimEnd();
        if (body.Length == 0)
        {
            if (_delivered) _held += piece;
            return;
        }

        await sink.WriteAsync(_held + body, cancellationToken);
        _delivered = true;
        _held = piece[body.Length..];
    }

    /// <summary>Tells the sink to discard what it got, if anything; the next piece starts the reply afresh.</summary>
    public async ValueTask RestartAsync(CancellationToken cancellationToken)
    {
        if (sink is not null && _delivered) await sink.ResetAsync(cancellationToken);
        _delivered = false;
        _held = "";
    }

    /// <summary>The whole reply in one piece, as it is (a fallback's or the built-in interviewer's), after discarding anything delivered before.</summary>
    public async ValueTask ReplaceAsync(string text, CancellationToken cancellationToken)
    {
        await RestartAsync(cancellationToken);
        if (sink is null || text.Length == 0) return;
        await sink.WriteAsync(text, cancellationToken);
        _delivered = true;
    }
}
