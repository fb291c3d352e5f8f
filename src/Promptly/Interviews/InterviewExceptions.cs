namespace Promptly.Interviews;

/// <summary>Something the interview asked about does not exist; nothing was changed.</summary>
public abstract class InterviewNotFoundException(string title, string message) : Exception(message)
{
    /// <summary>A short summary, the same for every occurrence.</summary>
    public string Title { get; } = title;
}

/// <summary>The request conflicts with where the interview stands; nothing was changed.</summary>
public abstract class InterviewConflictException(string title, string message) : Exception(message)
{
    /// <summary>A short summary, the same for every occurrence.</summary>
    public string Title { get; } = title;
}

public sealed class SessionNotFoundException(string sessionId)
    : InterviewNotFoundException("Session not found", $"There is no session '{sessionId}'.");

public sealed class InvitationNotFoundException(string token)
    : InterviewNotFoundException("Invitation not found", $"There is no invitation '{token}'.");

/// <summary>The session was completed or ended and takes no more turns.</summary>
public sealed class SessionClosedException(string sessionId, string status)
    : InterviewConflictException("Session has ended", $"Session '{sessionId}' is {status} and takes no more turns.");

/// <summary>Another turn (or another server) moved the session on while this one was taken; the answer may be sent again.</summary>
public sealed class SessionMovedOnException(string sessionId)
    : InterviewConflictException("Conflict", $"Session '{sessionId}' moved on while this turn was taken; send the answer again.");

/// <summary>An invitation starts one session only.</summary>
public sealed class InvitationUsedException(string message) : InterviewConflictException("Conflict", message);

/// <summary>A stored session's guide is no longer loaded on this server.</summary>
public sealed class ConceptUnavailableException(string sessionId, string conceptId)
    : InterviewConflictException("Concept no longer available", $"Session '{sessionId}' uses concept '{conceptId}', which this server no longer has.");

/// <summary>The interviewer could not produce a response; the turn is not stored and may be retried.</summary>
public sealed class InterviewerFailedException(string message, Exception? inner) : Exception(message, inner);
