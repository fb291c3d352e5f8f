using Microsoft.Data.Sqlite;
using Promptly.Budget;
using Promptly.Interviews;
using Promptly.Invitations;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    private const string InsertMessage =
        "INSERT INTO messages (session_id, seq, role, content, question_number, element_id, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

    // A turn's two messages (the answer and the reply) in one statement.
    private const string InsertTwoMessages =
        "INSERT INTO messages (session_id, seq, role, content, question_number, element_id, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8), (?1, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

    private const string MoveSession =
        "UPDATE sessions SET question_number = ?1, status = ?2, ended_at = ?3 WHERE id = ?4 AND question_number = ?5 AND status = 'active'";

    public Task CreateSessionAsync(SessionRecord session, TranscriptMessage greeting, Func<BudgetedLatency>? latency, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            if (session.InvitationToken is { } token)
            {
                ClaimInvitation(context, token, session);
            }

            context.Execute(
                "INSERT INTO sessions (id, concept_id, interview_type, candidate, status, question_number, created_at, ended_at, invitation_token) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)",
                session.Id, session.ConceptId, session.InterviewType, session.Candidate, session.Status, session.QuestionNumber,
                ToUnixMs(session.CreatedAt), session.EndedAt is { } ended ? ToUnixMs(ended) : null, session.InvitationToken);
            WriteMessage(context, session.Id, greeting);
            if (latency is not null) WriteLatency(context, latency());
            return true;
        }, cancellationToken);

    private static void ClaimInvitation(WriteContext context, string token, SessionRecord session)
    {
        var claimed = context.Execute(
            "UPDATE invitations SET session_id = @p0, started_at = @p1 WHERE token = @p2 AND session_id IS NULL",
            session.Id, ToUnixMs(session.CreatedAt), token);
        if (claimed == 1) return;
        var exists = context.Scalar("SELECT count(*) FROM invitations WHERE token = @p0", token);
        throw Convert.ToInt64(exists) == 0
            ? new StorageNotFoundException($"Invitation '{token}' does not exist.")
            : new StorageConflictException($"Invitation '{token}' has already started a session.");
    }

    public Task AppendTurnAsync(TurnWrite turn, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var moved = context.Statement(MoveSession)
                .Bind(1, turn.QuestionNumber).Bind(2, turn.Status).Bind(3, turn.EndedAt is { } ended ? ToUnixMs(ended) : null)
                .Bind(4, turn.SessionId).Bind(5, turn.ExpectedQuestionNumber)
                .Run();
            if (moved != 1)
            {
                throw new StorageConflictException($"Session '{turn.SessionId}' is no longer at question {turn.ExpectedQuestionNumber} or has ended.");
            }

            if (turn.Messages is [var answer, var reply])
            {
                var both = context.Statement(InsertTwoMessages);
                BindMessage(both, 2, answer).Bind(1, turn.SessionId);
                BindMessage(both, 9, reply).Run();
            }
            else
            {
                foreach (var message in turn.Messages)
                {
                    WriteMessage(context, turn.SessionId, message);
                }
            }

            if (turn.Latency is { } entry) WriteLatency(context, entry());
            return true;
        }, cancellationToken);

    public Task<bool> EndSessionAsync(string sessionId, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.Execute(
            "UPDATE sessions SET status = 'ended', ended_at = @p0 WHERE id = @p1 AND status = 'active'", ToUnixMs(endedAt), sessionId) == 1);

    private static void WriteMessage(WriteContext context, string sessionId, TranscriptMessage message) =>
        BindMessage(context.Statement(InsertMessage), 2, message).Bind(1, sessionId).Run();

    /// <summary>Binds a message's seven columns after session_id, from parameter <paramref name="first"/> on.</summary>
    private static WriteStatement BindMessage(WriteStatement statement, int first, TranscriptMessage message) => statement
        .Bind(first, message.Seq).Bind(first + 1, message.Role).Bind(first + 2, message.Content).Bind(first + 3, message.QuestionNumber)
        .Bind(first + 4, message.ElementId).Bind(first + 5, message.Kind).Bind(first + 6, ToUnixMs(message.At));

    public async Task<StoredSession?> LoadSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var sessions = await QueryAsync(
            "SELECT id, concept_id, interview_type, candidate, status, question_number, created_at, ended_at, invitation_token FROM sessions WHERE id = @p0",
            ReadSession, cancellationToken, sessionId);
        if (sessions.Count == 0) return null;
        var messages = await QueryAsync(
            "SELECT seq, role, content, question_number, element_id, kind, created_at FROM messages WHERE session_id = @p0 ORDER BY seq",
            r => new TranscriptMessage(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetInt32(3), NullableString(r, 4), NullableString(r, 5), FromUnixMs(r.GetInt64(6))),
            cancellationToken, sessionId);
        return new StoredSession(sessions[0], messages);
    }

    private static SessionRecord ReadSession(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        ConceptId = r.GetString(1),
        InterviewType = r.GetString(2),
        Candidate = NullableString(r, 3),
        Status = r.GetString(4),
        QuestionNumber = r.GetInt32(5),
        CreatedAt = FromUnixMs(r.GetInt64(6)),
        EndedAt = r.IsDBNull(7) ? null : FromUnixMs(r.GetInt64(7)),
        InvitationToken = NullableString(r, 8),
    };

    public Task CreateInvitationAsync(Invitation invitation, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.Execute(
            "INSERT INTO invitations (token, concept_id, candidate, created_at) VALUES (@p0, @p1, @p2, @p3)",
            invitation.Token, invitation.ConceptId, invitation.Candidate, ToUnixMs(invitation.CreatedAt)));

    public async Task<Invitation?> FindInvitationAsync(string token, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "SELECT token, concept_id, candidate, created_at, session_id, started_at FROM invitations WHERE token = @p0",
            r => new Invitation(r.GetString(0), r.GetString(1), NullableString(r, 2), FromUnixMs(r.GetInt64(3)), NullableString(r, 4), r.IsDBNull(5) ? null : FromUnixMs(r.GetInt64(5))),
            cancellationToken, token);
        return rows.FirstOrDefault();
    }
}
