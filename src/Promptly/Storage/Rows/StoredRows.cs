using System.Data.Common;
using Promptly.Access;
using Promptly.Analytics;
using Promptly.Errors;
using Promptly.Interviews;
using Promptly.Invitations;
using Promptly.Latency;
using Promptly.Telemetry;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Rows;

/// <summary>
/// The rows both stores read back, as records: each store selects the columns listed here in this order, so one
/// mapping serves SQLite and PostgreSQL alike (and the same call reads the same record from either).
/// </summary>
internal static class StoredRows
{
    public const string SessionColumns =
        "id, concept_id, interview_type, candidate, status, question_number, created_at, ended_at, invitation_token, token_hash, token_expires_at";

    public static SessionRecord Session(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        ConceptId = r.GetString(1),
        InterviewType = r.GetString(2),
        Candidate = NullableString(r, 3),
        Status = r.GetString(4),
        QuestionNumber = r.GetInt32(5),
        CreatedAt = FromUnixMs(r.GetInt64(6)),
        EndedAt = NullableTime(r, 7),
        InvitationToken = NullableString(r, 8),
        Access = r.IsDBNull(9) ? null : new SessionAccess(r.GetFieldValue<byte[]>(9), FromUnixMs(r.GetInt64(10))),
    };

    public const string MessageColumns = "seq, role, content, question_number, element_id, kind, created_at";

    public static TranscriptMessage Message(DbDataReader r) =>
        new(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetInt32(3), NullableString(r, 4), NullableString(r, 5), FromUnixMs(r.GetInt64(6)));

    public const string InvitationColumns = "token, concept_id, candidate, created_at, session_id, started_at, expires_at, revoked_at";

    public static Invitation Invitation(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), NullableString(r, 2), FromUnixMs(r.GetInt64(3)), NullableString(r, 4), NullableTime(r, 5), NullableTime(r, 6), NullableTime(r, 7));

    public const string RecordingColumns = "session_id, question_number, sample_rate, pcm, created_at";

    public static TurnRecording Recording(DbDataReader r) =>
        new(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetFieldValue<byte[]>(3), FromUnixMs(r.GetInt64(4)));

    /// <summary>
    /// A session of the operators' list: its row's columns, then its responses, those within budget, and its channels
    /// joined with commas (or NULL), as each store's list query computes them.
    /// </summary>
    public static SessionSummary Summary(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), FromUnixMs(r.GetInt64(5)), NullableTime(r, 6), r.GetInt32(7),
        (int)r.GetInt64(8), (int)r.GetInt64(9), r.IsDBNull(10) ? [] : r.GetString(10).Split(','));

    /// <summary>
    /// Where a session got to: concept_id, interview_type, status, created_at, ended_at, the last message's time of an
    /// open session (else NULL), question_number, element_coverage, orphan_ratio.
    /// </summary>
    public static SessionOutcome Outcome(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3)), NullableTime(r, 4), NullableTime(r, 5),
        r.GetInt32(6), NullableDouble(r, 7), NullableDouble(r, 8));

    public const string LatencyColumns =
        "id, session_id, candidate, interview_type, concept_id, question_number, response_time_ms, ai_processing_time_ms, phases, threshold_ms, severe_ms, failed, error, timestamp, prompt_tokens, completion_tokens, fallback_cause, channel, trace_id";

    public static LatencyRecord Latency(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        SessionId = r.GetString(1),
        Candidate = NullableString(r, 2),
        InterviewType = r.GetString(3),
        ConceptId = r.GetString(4),
        QuestionNumber = r.GetInt32(5),
        ResponseTimeMs = r.GetDouble(6),
        AiProcessingTimeMs = r.GetDouble(7),
        Phases = PhaseText.Read(r.GetString(8)),
        ThresholdMs = r.GetDouble(9),
        SevereMs = r.GetDouble(10),
        Failed = r.GetBoolean(11),
        Error = NullableString(r, 12),
        Timestamp = FromUnixMs(r.GetInt64(13)),
        PromptTokens = NullableInt(r, 14),
        CompletionTokens = NullableInt(r, 15),
        FallbackCause = NullableString(r, 16),
        Channel = r.GetString(17),
        TraceId = NullableString(r, 18),
    };

    public const string ErrorColumns = "id, type, message, session_id, question_number, response_time_ms, threshold_ms, timestamp";

    public static ErrorLogEntry Error(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Type = r.GetString(1),
        Message = r.GetString(2),
        SessionId = NullableString(r, 3),
        QuestionNumber = NullableInt(r, 4),
        ResponseTimeMs = NullableDouble(r, 5),
        ThresholdMs = NullableDouble(r, 6),
        Timestamp = FromUnixMs(r.GetInt64(7)),
    };

    public const string RequestMetricColumns = "bucket_start, method, route, status, histogram";

    public static RequestMetricBucket RequestMetric(DbDataReader r) =>
        new(FromUnixMs(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetInt32(3), LatencyHistograms.Decode(r.GetFieldValue<byte[]>(4)));

    /// <summary>The digest's columns; a read selects its histogram (or NULL) after them.</summary>
    public const string DigestColumns = "size, bucket_start, source, interview_type, phase, count, mean_ms, m2, min_ms, max_ms, within_budget, failed";

    public static StoredDigest Digest(DbDataReader r) => new(
        new DigestKey((BucketSize)r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4)),
        r.GetInt64(5), r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), r.GetDouble(9), r.GetInt64(10), r.GetInt64(11),
        r.IsDBNull(12) ? null : r.GetFieldValue<byte[]>(12));

    /// <summary>
    /// A response as a run: id, interview_type, timestamp, response_time_ms, phases, whether within budget, failed,
    /// channel (each store writes the within-budget test in its own SQL).
    /// </summary>
    public static FeedRun ResponseRun(DbDataReader r) => new(
        r.GetInt64(0),
        new RunSample(RunSample.SourceOf(r.GetString(7)), r.GetString(1), FromUnixMs(r.GetInt64(2)), r.GetDouble(3), PhaseText.Read(r.GetString(4)),
            r.GetBoolean(5), r.GetBoolean(6)));

    public const string EventRunColumns = "id, source, interview_type, timestamp, total_ms, phases, total_ms <= threshold_ms";

    public static FeedRun EventRun(DbDataReader r) => new(
        r.GetInt64(0),
        new RunSample(r.GetString(1), r.GetString(2), FromUnixMs(r.GetInt64(3)), r.GetDouble(4), PhaseText.Read(r.GetString(5)), r.GetBoolean(6), Failed: false));

    public static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : FromUnixMs(reader.GetInt64(ordinal));

    public static int? NullableInt(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static double? NullableDouble(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);
}
