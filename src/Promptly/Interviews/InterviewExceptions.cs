namespace Promptly.Interviews;

/// <summary>Something the interview asked about does not exist; nothing was changed.</summary>
internal abstract class InterviewNotFoundException(string title, string message) : Exception(message)
{
    /// <summary>A short summary, the same for every occurrence.</summary>
    public string Title { get; } = title;
}

/// <summary>The request conflicts with where the interview stands; nothing was changed.</summary>
internal abstract class InterviewConflictException(string title, string message) : Exception(message)
{
    /// <summary>A short summary, the same for every occurrence.</summary>
    public string Title { get; } = title;
}

internal sealed class SessionNotFoundException(string sessionId)
    : InterviewNotFoundException("Session not found", $"There is no session '{sessionId}'.");

internal sealed class InvitationNotFoundException(string token)
    : InterviewNotFoundException("Invitation not found", $"There is no invitation '{token}'.");

/// <summary>The session was completed or ended and takes no more turns.</summary>
internal sealed class SessionClosedException(string sessionId, string status)
    : InterviewConflictException("Session has ended", $"Session '{sessionId}' is {status} and takes no more turns.");

/// <summary>Another turn (or another server) moved the session on while this one was taken; the answer may be sent again.</summary>
internal sealed class SessionMovedOnException(string sessionId)
    : InterviewConflictException("Conflict", $"Session '{sessionId}' moved on while this turn was taken; send the answer again.");

/// <summary>An invitation starts one session only.</summary>
internal sealed class InvitationUsedException(string message) : InterviewConflictException("Conflict", message);

/// <summary>A stored session's guide is no longer loaded on this server.</summary>
internal sealed class ConceptUnavailableException(string sessionId, string conceptId)
    : InterviewConflictException("Concept no longer available", $"Session '{sessionId}' uses concept '{conceptId}', which this server no longer has.");

/// <summary>The interviewer could not produce a response; the turn is not stored and may be retried.</summary>
internal sealed class InterviewerFailedException(string message, Exception? inner) : Exception(message, inner);
