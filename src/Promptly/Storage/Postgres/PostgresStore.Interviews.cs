using Promptly.Budget;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Postgres;

internal sealed partial class PostgresStore
{
    private const string InsertMessage =
        "INSERT INTO messages (session_id, seq, role, content, question_number, element_id, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

    // The conditional update is the check: whichever instance's turn commits first moves the session on, and a racing
    // turn, blocked on the row until then, finds the question number changed and matches nothing. Its messages (and, in
    // LatencyInserts, its latency record) are inserted once per row the update moved, all in one statement: one round
    // trip per turn, and a refused turn writes nothing, so it needs no rollback. The completing turn sets what the
    // interview reached; every other turn writes the nulls the columns hold.
    private const string MoveSession =
        """
        WITH moved AS (
            UPDATE sessions SET question_number = $1, status = $2, ended_at = $3, element_coverage = $6, orphan_ratio = $7
            WHERE id = $4 AND question_number = $5 AND status = 'active' RETURNING id),
        messages_in AS (
            INSERT INTO messages (session_id, seq, role, content, question_number, element_id, kind, created_at)
            SELECT moved.id, m.* FROM moved, unnest($8::integer[], $9::text[], $10::text[], $11::integer[], $12::text[], $13::text[], $14::bigint[]) AS m)
        """;

    public Task CreateSessionAsync(SessionRecord session, TranscriptMessage greeting, Func<BudgetedLatency>? latency, CancellationToken cancellationToken) =>
        _writer.WriteAsync(async context =>
        {
            if (session.InvitationToken is { } token)
            {
                await ClaimInvitationAsync(context, token, session);
            }

            await context.ExecuteAsync(
                """
                INSERT INTO sessions (id, concept_id, interview_type, candidate, status, question_number, created_at, ended_at, invitation_token, token_hash, token_expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """,
                session.Id, session.ConceptId, session.InterviewType, session.Candidate, session.Status, session.QuestionNumber,
                ToUnixMs(session.CreatedAt), ToUnixMs(session.EndedAt), session.InvitationToken,
                session.Access?.TokenHash, ToUnixMs(session.Access?.ExpiresAt));
            await WriteMessageAsync(context, session.Id, greeting);
            if (latency is not null) await WriteLatencyAsync(context, latency());
            return true;
        }, cancellationToken);

    private static async Task ClaimInvitationAsync(PostgresWriteContext context, string token, SessionRecord session)
    {
        var claimed = await context.ExecuteAsync(
            "UPDATE invitations SET session_id = $1, started_at = $2 WHERE token = $3 AND session_id IS NULL AND revoked_at IS NULL",
            session.Id, ToUnixMs(session.CreatedAt), token);
        if (claimed == 1) return;
        var exists = await context.ScalarAsync("SELECT count(*) FROM invitations WHERE token = $1", token);
        throw Convert.ToInt64(exists) == 0
            ? new StorageNotFoundException($"Invitation '{token}' does not exist.")
            : new StorageConflictException($"Invitation '{token}' has already started a session, or was revoked.");
    }

    public Task AppendTurnAsync(TurnWrite turn, CancellationToken cancellationToken) =>
        _writer.WriteStatementAsync(() =>
        {
            var messages = turn.Messages;
            var args = new List<object?>
            {
                turn.QuestionNumber, turn.Status, ToUnixMs(turn.EndedAt), turn.SessionId, turn.ExpectedQuestionNumber, turn.Measures?.ElementCoverage, turn.Measures?.OrphanRatio,
                messages.Select(m => m.Seq).ToArray(), messages.Select(m => m.Role).ToArray(), messages.Select(m => m.Content).ToArray(),
                messages.Select(m => m.QuestionNumber).ToArray(), messages.Select(m => m.ElementId).ToArray(), messages.Select(m => m.Kind).ToArray(),
                messages.Select(m => ToUnixMs(m.At)).ToArray(),
            };
            var latency = turn.Latency is { } entry ? LatencyInserts(entry(), args, "moved") : "";
            return new PostgresStatement($"{MoveSession}{latency} SELECT count(*) FROM moved", [.. args]);
        }, moved => moved == 1
            ? true
            : throw new StorageConflictException($"Session '{turn.SessionId}' is no longer at question {turn.ExpectedQuestionNumber} or has ended."),
        cancellationToken);

    public Task<bool> EndSessionAsync(string sessionId, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
        _writer.WriteAsync(async context => await context.ExecuteAsync(
            "UPDATE sessions SET status = 'ended', ended_at = $1 WHERE id = $2 AND status = 'active'", ToUnixMs(endedAt), sessionId) == 1);

    private static Task<int> WriteMessageAsync(PostgresWriteContext context, string sessionId, TranscriptMessage message) =>
        context.ExecuteAsync(InsertMessage, sessionId, message.Seq, message.Role, message.Content, message.QuestionNumber, message.ElementId, message.Kind, ToUnixMs(message.At));

    /// <summary>Any number of servers may share the database, each holding some sessions in memory.</summary>
    public bool SharedAcrossServers => true;

    public async Task<SessionProgress?> SessionProgressAsync(string sessionId, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT question_number, status FROM sessions WHERE id = $1 AND status <> 'erased'",
            r => (SessionProgress?)new SessionProgress(r.GetInt32(0), r.GetString(1)), cancellationToken, sessionId)).FirstOrDefault();

    public async Task<StoredSession?> LoadSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // One snapshot, so the transcript read belongs to the session row read (a turn may commit between the two).
        await using var transaction = await SnapshotAsync(connection, cancellationToken);
        var sessions = await Guarded(() => ReadAllAsync(connection, transaction,
            $"SELECT {StoredRows.SessionColumns} FROM sessions WHERE id = $1 AND status <> 'erased'",
            StoredRows.Session, cancellationToken, [sessionId]));
        if (sessions.Count == 0) return null;
        var messages = await Guarded(() => ReadAllAsync(connection, transaction,
            $"SELECT {StoredRows.MessageColumns} FROM messages WHERE session_id = $1 ORDER BY seq",
            StoredRows.Message,
            cancellationToken, [sessionId]));
        return new StoredSession(sessions[0], messages);
    }

    public Task<bool> EraseSessionAsync(string sessionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => EraseAsync(context, sessionId, ToUnixMs(at)), cancellationToken);

    public Task<IReadOnlyList<string>> EraseSessionsBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        _writer.WriteAsync<IReadOnlyList<string>>(async context =>
        {
            // An abandoned session (never ended) counts from its last message, so one still in use is never erased.
            var cutoff = ToUnixMs(before);
            var ids = new List<string>();
            await using (var reader = await context.QueryAsync(
                """
                SELECT s.id FROM sessions s
                WHERE s.status <> 'erased'
                  AND coalesce(s.ended_at, (SELECT max(m.created_at) FROM messages m WHERE m.session_id = s.id), s.created_at) < $1
                LIMIT $2
                """, cutoff, limit))
            {
                while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
            }

            foreach (var id in ids) await EraseAsync(context, id, cutoff);
            return ids;
        }, cancellationToken);

    public Task<int> DeleteRecordingsBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.ExecuteAsync(
            """
            DELETE FROM turn_recordings WHERE (session_id, question_number) IN
                (SELECT session_id, question_number FROM turn_recordings WHERE created_at < $1 LIMIT $2)
            """, ToUnixMs(before), limit), cancellationToken);

    private static async Task<bool> EraseAsync(PostgresWriteContext context, string sessionId, long at)
    {
        var erased = await context.ExecuteAsync(
            """
            UPDATE sessions SET status = 'erased', candidate = NULL, token_hash = NULL, token_expires_at = NULL, ended_at = coalesce(ended_at, $2)
            WHERE id = $1 AND status <> 'erased'
            """, sessionId, at);
        if (erased == 0) return false;
        // The transcript's search index entries go with its rows.
        await context.ExecuteAsync("DELETE FROM messages WHERE session_id = $1", sessionId);
        await context.ExecuteAsync("DELETE FROM turn_recordings WHERE session_id = $1", sessionId);
        await context.ExecuteAsync("UPDATE latency_records SET candidate = NULL WHERE session_id = $1", sessionId);
        await context.ExecuteAsync("UPDATE invitations SET candidate = NULL WHERE session_id = $1", sessionId);
        return true;
    }

    public Task CreateInvitationAsync(Invitation invitation, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.ExecuteAsync(
            "INSERT INTO invitations (token, concept_id, candidate, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            invitation.Token, invitation.ConceptId, invitation.Candidate, ToUnixMs(invitation.CreatedAt), ToUnixMs(invitation.ExpiresAt)));

    public async Task<Invitation?> FindInvitationAsync(string token, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {StoredRows.InvitationColumns} FROM invitations WHERE token = $1", StoredRows.Invitation, cancellationToken, token)).FirstOrDefault();

    public async Task<IReadOnlyList<Invitation>> ListInvitationsAsync(DateTimeOffset? before, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {StoredRows.InvitationColumns} FROM invitations WHERE created_at < $1 ORDER BY created_at DESC, token LIMIT $2",
            StoredRows.Invitation, cancellationToken, before is { } b ? ToUnixMs(b) : long.MaxValue, limit);

    public Task<bool> RevokeInvitationAsync(string token, DateTimeOffset at, CancellationToken cancellationToken) =>
        _writer.WriteAsync(async context =>
        {
            await context.ExecuteAsync("UPDATE invitations SET revoked_at = $1 WHERE token = $2 AND session_id IS NULL AND revoked_at IS NULL", ToUnixMs(at), token);
            return Convert.ToInt64(await context.ScalarAsync("SELECT count(*) FROM invitations WHERE token = $1", token)) == 1;
        }, cancellationToken);

}
