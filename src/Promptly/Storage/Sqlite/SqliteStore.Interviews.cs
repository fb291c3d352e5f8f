using Promptly.Budget;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    // Messages name their session by its search_key (session_key), a small integer (see SqliteSchema for why).
    private const string InsertMessage =
        "INSERT INTO messages (session_key, seq, role, content, question_number, element_id, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

    // A turn's two messages (the answer and the reply) in one statement.
    private const string InsertTwoMessages =
        "INSERT INTO messages (session_key, seq, role, content, question_number, element_id, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8), (?1, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

    // A session's messages and latency records are found by its search_key; readers given its id look the key up here.
    private const string SessionKeyOf = "(SELECT search_key FROM sessions WHERE id = @p0)";

    /// <summary>Messages per session that the index's keys leave room for.</summary>
    private const int MaxIndexedSeq = 1048575;

    // The completing turn sets what the interview reached; every other turn writes the nulls the columns hold. It
    // returns the key the turn's other rows are written under, so no statement of the turn looks the session up again.
    private const string MoveSession =
        "UPDATE sessions SET question_number = ?1, status = ?2, ended_at = ?3, element_coverage = ?6, orphan_ratio = ?7 WHERE id = ?4 AND question_number = ?5 AND status = 'active' RETURNING search_key";

    public Task CreateSessionAsync(SessionRecord session, TranscriptMessage greeting, Func<BudgetedLatency>? latency, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            if (session.InvitationToken is { } token)
            {
                ClaimInvitation(context, token, session);
            }

            var key = (long)context.Scalar(
                """
                INSERT INTO sessions (id, concept_id, interview_type, candidate, status, question_number, created_at, ended_at, invitation_token, token_hash, token_expires_at, search_key)
                VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, (SELECT coalesce(max(search_key), 0) + 1 FROM sessions))
                RETURNING search_key
                """,
                session.Id, session.ConceptId, session.InterviewType, session.Candidate, session.Status, session.QuestionNumber,
                ToUnixMs(session.CreatedAt), session.EndedAt is { } ended ? ToUnixMs(ended) : null, session.InvitationToken,
                session.Access?.TokenHash, session.Access is { } access ? ToUnixMs(access.ExpiresAt) : null)!;
            WriteMessage(context, key, greeting);
            if (latency is not null) WriteLatency(context, latency(), key);
            return true;
        }, cancellationToken);

    private static void ClaimInvitation(WriteContext context, string token, SessionRecord session)
    {
        var claimed = context.Execute(
            "UPDATE invitations SET session_id = @p0, started_at = @p1 WHERE token = @p2 AND session_id IS NULL AND revoked_at IS NULL",
            session.Id, ToUnixMs(session.CreatedAt), token);
        if (claimed == 1) return;
        var exists = context.Scalar("SELECT count(*) FROM invitations WHERE token = @p0", token);
        throw Convert.ToInt64(exists) == 0
            ? new StorageNotFoundException($"Invitation '{token}' does not exist.")
            : new StorageConflictException($"Invitation '{token}' has already started a session, or was revoked.");
    }

    public Task AppendTurnAsync(TurnWrite turn, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var moved = context.Statement(MoveSession)
                .Bind(1, turn.QuestionNumber).Bind(2, turn.Status).Bind(3, turn.EndedAt is { } ended ? ToUnixMs(ended) : null)
                .Bind(4, turn.SessionId).Bind(5, turn.ExpectedQuestionNumber)
                .Bind(6, turn.Measures?.ElementCoverage).Bind(7, turn.Measures?.OrphanRatio)
                .RunReturning();
            if (moved is not { } key)
            {
                throw new StorageConflictException($"Session '{turn.SessionId}' is no longer at question {turn.ExpectedQuestionNumber} or has ended.");
            }

            if (turn.Messages is [var answer, var reply])
            {
                var both = context.Statement(InsertTwoMessages);
                BindMessage(both, 2, answer).Bind(1, key);
                BindMessage(both, 9, reply).Run();
            }
            else
            {
                foreach (var message in turn.Messages)
                {
                    WriteMessage(context, key, message);
                }
            }

            if (turn.Latency is { } entry) WriteLatency(context, entry(), key);
            return true;
        }, cancellationToken);

    public Task<bool> EndSessionAsync(string sessionId, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.Execute(
            "UPDATE sessions SET status = 'ended', ended_at = @p0 WHERE id = @p1 AND status = 'active'", ToUnixMs(endedAt), sessionId) == 1);

    private static void WriteMessage(WriteContext context, long sessionKey, TranscriptMessage message) =>
        BindMessage(context.Statement(InsertMessage), 2, message).Bind(1, sessionKey).Run();

    // A message's key in the transcript index (messages_fts) is its session's search_key * 2^20 + seq, so the rows of a
    // session are found from the key alone; the index takes the messages from this table, many a transaction.
    private static long IndexedSeq(TranscriptMessage message) =>
        message.Seq is >= 0 and <= MaxIndexedSeq
            ? message.Seq
            : throw new InvalidOperationException($"Message {message.Seq} is past the {MaxIndexedSeq} a session's transcript index holds.");

    /// <summary>Binds a message's seven columns after session_key, from parameter <paramref name="first"/> on.</summary>
    private static WriteStatement BindMessage(WriteStatement statement, int first, TranscriptMessage message) => statement
        .Bind(first, IndexedSeq(message)).Bind(first + 1, message.Role).Bind(first + 2, message.Content).Bind(first + 3, message.QuestionNumber)
        .Bind(first + 4, message.ElementId).Bind(first + 5, message.Kind).Bind(first + 6, ToUnixMs(message.At));

    /// <summary>One process writes the file: what this server holds in memory is what is stored.</summary>
    public bool SharedAcrossServers => false;

    public async Task<SessionProgress?> SessionProgressAsync(string sessionId, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT question_number, status FROM sessions WHERE id = @p0 AND status <> 'erased'",
            r => (SessionProgress?)new SessionProgress(r.GetInt32(0), r.GetString(1)), cancellationToken, sessionId)).FirstOrDefault();

    public async Task<StoredSession?> LoadSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var sessions = await QueryAsync(
            $"SELECT {StoredRows.SessionColumns} FROM sessions WHERE id = @p0 AND status <> 'erased'",
            StoredRows.Session, cancellationToken, sessionId);
        if (sessions.Count == 0) return null;
        var messages = await QueryAsync(
            $"SELECT {StoredRows.MessageColumns} FROM messages WHERE session_key = {SessionKeyOf} ORDER BY seq",
            StoredRows.Message,
            cancellationToken, sessionId);
        return new StoredSession(sessions[0], messages);
    }

    public Task<bool> EraseSessionAsync(string sessionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => Erase(context, sessionId, ToUnixMs(at)), cancellationToken);

    public Task<IReadOnlyList<string>> EraseSessionsBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        _writer.WriteAsync<IReadOnlyList<string>>(context =>
        {
            // An abandoned session (never ended) counts from its last message, so one still in use is never erased.
            var cutoff = ToUnixMs(before);
            var ids = new List<string>();
            using (var reader = context.Query(
                """
                SELECT s.id FROM sessions s
                WHERE s.status <> 'erased'
                  AND coalesce(s.ended_at, (SELECT max(m.created_at) FROM messages m WHERE m.session_key = s.search_key), s.created_at) < @p0
                LIMIT @p1
                """, cutoff, limit))
            {
                while (reader.Read()) ids.Add(reader.GetString(0));
            }

            foreach (var id in ids) Erase(context, id, cutoff);
            return ids;
        }, cancellationToken);

    public Task<int> DeleteRecordingsBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.Execute(
            "DELETE FROM turn_recordings WHERE rowid IN (SELECT rowid FROM turn_recordings WHERE created_at < @p0 LIMIT @p1)", ToUnixMs(before), limit), cancellationToken);

    private static bool Erase(WriteContext context, string sessionId, long at)
    {
        // As a turn's, the UPDATE returns the key the session's other rows are found by.
        if (context.Scalar(
            """
            UPDATE sessions SET status = 'erased', candidate = NULL, token_hash = NULL, token_expires_at = NULL, ended_at = coalesce(ended_at, @p1)
            WHERE id = @p0 AND status <> 'erased'
            RETURNING search_key
            """, sessionId, at) is not long key)
        {
            return false;
        }

        // The session's key, negated, queued for the transcript index, which then drops the session's rows (a search
        // first indexes what is pending, so none finds them after this commit). Their tokens leave the index's segments
        // when FTS5 merges them, as a deleted message's text stays in freed pages until reused (no secure_delete).
        context.Execute("INSERT INTO transcript_queue (key) VALUES (-@p0)", key);
        context.Execute("DELETE FROM messages WHERE session_key = @p0", key);
        context.Execute("DELETE FROM turn_recordings WHERE session_id = @p0", sessionId);
        context.Execute("UPDATE latency_records SET candidate = NULL WHERE session_key = @p0", key);
        context.Execute("UPDATE invitations SET candidate = NULL WHERE session_id = @p0", sessionId);
        return true;
    }

    public Task CreateInvitationAsync(Invitation invitation, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.Execute(
            "INSERT INTO invitations (token, concept_id, candidate, created_at, expires_at) VALUES (@p0, @p1, @p2, @p3, @p4)",
            invitation.Token, invitation.ConceptId, invitation.Candidate, ToUnixMs(invitation.CreatedAt), invitation.ExpiresAt is { } expires ? ToUnixMs(expires) : null));

    public async Task<Invitation?> FindInvitationAsync(string token, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {StoredRows.InvitationColumns} FROM invitations WHERE token = @p0", StoredRows.Invitation, cancellationToken, token)).FirstOrDefault();

    public async Task<IReadOnlyList<Invitation>> ListInvitationsAsync(DateTimeOffset? before, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {StoredRows.InvitationColumns} FROM invitations WHERE created_at < @p0 ORDER BY created_at DESC, token LIMIT @p1",
            StoredRows.Invitation, cancellationToken, before is { } b ? ToUnixMs(b) : long.MaxValue, limit);

    public Task<bool> RevokeInvitationAsync(string token, DateTimeOffset at, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            context.Execute("UPDATE invitations SET revoked_at = @p0 WHERE token = @p1 AND session_id IS NULL AND revoked_at IS NULL", ToUnixMs(at), token);
            return Convert.ToInt64(context.Scalar("SELECT count(*) FROM invitations WHERE token = @p0", token)) == 1;
        }, cancellationToken);

}
