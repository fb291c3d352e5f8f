using System.Text;
using Promptly.Budget;
using Promptly.Errors;
using Promptly.Latency;
using Promptly.Telemetry;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Postgres;

internal sealed partial class PostgresStore
{
    public Task SaveLatencyAsync(Func<BudgetedLatency> entry, CancellationToken cancellationToken) =>
        _writer.WriteAsync(async context =>
        {
            await WriteLatencyAsync(context, entry());
            return true;
        });

    private static Task<int> WriteLatencyAsync(PostgresWriteContext context, BudgetedLatency entry)
    {
        var args = new List<object?>();
        return context.ExecuteAsync($"WITH always AS (SELECT) {LatencyInserts(entry, args, "always")} SELECT", [.. args]);
    }

    /// <summary>
    /// The record's insert, and its violation's when there is one, as data-modifying CTEs (each led by a comma) that
    /// write once per row of <paramref name="source"/>: in a turn's statement that is the session the turn moved, so a
    /// turn refused as a conflict writes no record either. Their parameters are appended to <paramref name="args"/>.
    /// </summary>
    private static string LatencyInserts(BudgetedLatency entry, List<object?> args, string source)
    {
        var record = entry.Record;
        var first = args.Count + 1;
        args.AddRange(
        [
            record.SessionId, record.Candidate, record.InterviewType, record.ConceptId, record.QuestionNumber, record.ResponseTimeMs, record.AiProcessingTimeMs,
            PhaseText.Write(record.Phases), record.ThresholdMs, record.SevereMs, record.Failed, record.Error, ToUnixMs(record.Timestamp), record.PromptTokens,
            record.CompletionTokens, record.FallbackCause, record.Channel, record.TraceId,
        ]);
        var sql = new StringBuilder()
            .Append(", latency_in AS (INSERT INTO latency_records (session_id, candidate, interview_type, concept_id, question_number, response_time_ms, ")
            .Append("ai_processing_time_ms, phases, threshold_ms, severe_ms, failed, error, timestamp, prompt_tokens, completion_tokens, fallback_cause, channel, trace_id) ")
            .Append(Casts(first, "text", "text", "text", "text", "integer", "float8", "float8", "text", "float8", "float8", "boolean", "text", "bigint", "integer", "integer", "text", "text", "text"))
            .Append($" FROM {source})");
        if (entry.Violation is { } violation)
        {
            first = args.Count + 1;
            args.AddRange([violation.Type, violation.Message, violation.SessionId, violation.QuestionNumber, violation.ResponseTimeMs, violation.ThresholdMs, ToUnixMs(violation.Timestamp)]);
            sql.Append(", error_in AS (INSERT INTO error_log (type, message, session_id, question_number, response_time_ms, threshold_ms, timestamp) ")
                .Append(Casts(first, "text", "text", "text", "integer", "float8", "float8", "bigint"))
                .Append($" FROM {source})");
        }

        return sql.ToString();
    }

    /// <summary>
    /// <c>SELECT $n::type, …</c>: a parameter selected rather than inserted directly has no column to take its type
    /// from, and a NULL none of its own.
    /// </summary>
    private static string Casts(int first, params string[] types) =>
        "SELECT " + string.Join(", ", types.Select((type, i) => $"${first + i}::{type}"));

    public async Task<IReadOnlyList<LatencyRecord>> SessionLatencyAsync(string sessionId, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {StoredRows.LatencyColumns} FROM latency_records WHERE session_id = $1 ORDER BY question_number, id", StoredRows.Latency, cancellationToken, sessionId);

    public async Task<IReadOnlyList<LatencyRecord>> SlowestAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {StoredRows.LatencyColumns} FROM latency_records WHERE timestamp >= $1 AND timestamp < $2 ORDER BY response_time_ms DESC LIMIT $3",
            StoredRows.Latency, cancellationToken, ToUnixMs(from), ToUnixMsCeiling(to), limit);

    public async Task<IReadOnlyList<ErrorLogEntry>> ErrorsAsync(string? type, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {StoredRows.ErrorColumns} FROM error_log WHERE ($1::text IS NULL OR type = $1) AND timestamp >= $2 AND timestamp < $3 ORDER BY timestamp DESC, id DESC LIMIT $4",
            StoredRows.Error,
            cancellationToken, type, ToUnixMs(from), ToUnixMsCeiling(to), limit);

    /// <summary>Each bucket's stored histogram is read under a row lock and merged, so buckets saved by several instances add up.</summary>
    public Task SaveRequestMetricsAsync(IReadOnlyList<RequestMetricBucket> buckets, CancellationToken cancellationToken) =>
        _writer.WriteInBackgroundAsync(async context =>
        {
            foreach (var bucket in buckets)
            {
                var start = ToUnixMs(bucket.Start);
                var merged = bucket.Histogram;
                if (await context.ScalarAsync(
                        "SELECT histogram FROM request_metrics WHERE bucket_start = $1 AND method = $2 AND route = $3 AND status = $4 FOR UPDATE",
                        start, bucket.Method, bucket.Route, bucket.StatusCode) is byte[] stored)
                {
                    merged = LatencyHistograms.Decode(stored);
                    merged.Add(bucket.Histogram);
                }

                await context.ExecuteAsync(
                    """
                    INSERT INTO request_metrics (bucket_start, method, route, status, histogram) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (bucket_start, method, route, status) DO UPDATE SET histogram = excluded.histogram
                    """,
                    start, bucket.Method, bucket.Route, bucket.StatusCode, LatencyHistograms.Encode(merged));
            }

            return true;
        });

    public async Task<IReadOnlyList<RequestMetricBucket>> RequestMetricsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {StoredRows.RequestMetricColumns} FROM request_metrics WHERE bucket_start >= $1 AND bucket_start < $2",
            StoredRows.RequestMetric,
            cancellationToken, ToUnixMs(from), ToUnixMsCeiling(to));

    public Task SaveBudgetOverrideAsync(string interviewType, BudgetOverride? value, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => value is null
            ? context.ExecuteAsync("DELETE FROM budget_overrides WHERE interview_type = $1", interviewType)
            : context.ExecuteAsync(
                """
                INSERT INTO budget_overrides (interview_type, threshold_ms, severe_ms) VALUES ($1, $2, $3)
                ON CONFLICT (interview_type) DO UPDATE SET threshold_ms = excluded.threshold_ms, severe_ms = excluded.severe_ms
                """,
                interviewType, value.ThresholdMs, value.SevereMs));

    public async Task<IReadOnlyDictionary<string, BudgetOverride>> BudgetOverridesAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "SELECT interview_type, threshold_ms, severe_ms FROM budget_overrides",
            r => (Type: r.GetString(0), Value: new BudgetOverride { ThresholdMs = StoredRows.NullableDouble(r, 1), SevereMs = StoredRows.NullableDouble(r, 2) }),
            cancellationToken);
        return rows.ToDictionary(r => r.Type, r => r.Value, StringComparer.OrdinalIgnoreCase);
    }
}
