using Promptly.Budget;
using Promptly.Errors;
using Promptly.Latency;
using Promptly.Telemetry;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    private const string InsertLatency =
        "INSERT INTO latency_records (session_key, session_id, candidate, interview_type, concept_id, question_number, response_time_ms, ai_processing_time_ms, phases, threshold_ms, severe_ms, failed, error, timestamp, prompt_tokens, completion_tokens, fallback_cause, channel, trace_id) VALUES (?19, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

    public Task SaveLatencyAsync(Func<BudgetedLatency> entry, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var latency = entry();
            WriteLatency(context, latency, context.Scalar($"SELECT {SessionKeyOf}", latency.Record.SessionId) as long?);
            return true;
        });

    /// <param name="sessionKey">The session's search_key, by which its records are found; null for a session not stored.</param>
    private static void WriteLatency(WriteContext context, BudgetedLatency entry, long? sessionKey)
    {
        var record = entry.Record;
        PhaseText.Write(context.Json(), record.Phases);
        context.Statement(InsertLatency)
            .Bind(1, record.SessionId).Bind(2, record.Candidate).Bind(3, record.InterviewType).Bind(4, record.ConceptId)
            .Bind(5, record.QuestionNumber).Bind(6, record.ResponseTimeMs).Bind(7, record.AiProcessingTimeMs).BindUtf8(8, context.JsonWritten)
            .Bind(9, record.ThresholdMs).Bind(10, record.SevereMs).Bind(11, record.Failed ? 1 : 0).Bind(12, record.Error)
            .Bind(13, ToUnixMs(record.Timestamp)).Bind(14, record.PromptTokens).Bind(15, record.CompletionTokens).Bind(16, record.FallbackCause).Bind(17, record.Channel)
            .Bind(18, record.TraceId).Bind(19, sessionKey)
            .Run();
        if (entry.Violation is { } violation)
        {
            context.Execute(
                "INSERT INTO error_log (type, message, session_id, question_number, response_time_ms, threshold_ms, timestamp) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)",
                violation.Type, violation.Message, violation.SessionId, violation.QuestionNumber, violation.ResponseTimeMs, violation.ThresholdMs,
                ToUnixMs(violation.Timestamp));
        }
    }

    public async Task<IReadOnlyList<LatencyRecord>> SessionLatencyAsync(string sessionId, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {StoredRows.LatencyColumns} FROM latency_records WHERE session_key = {SessionKeyOf} ORDER BY question_number, id", StoredRows.Latency, cancellationToken, sessionId);

    public async Task<IReadOnlyList<LatencyRecord>> SlowestAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {StoredRows.LatencyColumns} FROM latency_records WHERE timestamp >= @p0 AND timestamp < @p1 ORDER BY response_time_ms DESC LIMIT @p2",
            StoredRows.Latency, cancellationToken, ToUnixMs(from), ToUnixMsCeiling(to), limit);

    public async Task<IReadOnlyList<ErrorLogEntry>> ErrorsAsync(string? type, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {StoredRows.ErrorColumns} FROM error_log WHERE (@p0 IS NULL OR type = @p0) AND timestamp >= @p1 AND timestamp < @p2 ORDER BY timestamp DESC, id DESC LIMIT @p3",
            StoredRows.Error,
            cancellationToken, type, ToUnixMs(from), ToUnixMsCeiling(to), limit);

    public Task SaveRequestMetricsAsync(IReadOnlyList<RequestMetricBucket> buckets, CancellationToken cancellationToken) =>
        _writer.WriteInBackgroundAsync(context =>
        {
            foreach (var bucket in buckets)
            {
                var start = ToUnixMs(bucket.Start);
                var merged = bucket.Histogram;
                if (context.Scalar("SELECT histogram FROM request_metrics WHERE bucket_start = @p0 AND method = @p1 AND route = @p2 AND status = @p3",
                        start, bucket.Method, bucket.Route, bucket.StatusCode) is byte[] stored)
                {
                    merged = LatencyHistograms.Decode(stored);
                    merged.Add(bucket.Histogram);
                }

                context.Execute(
                    "INSERT OR REPLACE INTO request_metrics (bucket_start, method, route, status, histogram) VALUES (@p0, @p1, @p2, @p3, @p4)",
                    start, bucket.Method, bucket.Route, bucket.StatusCode, LatencyHistograms.Encode(merged));
            }

            return true;
        });

    public async Task<IReadOnlyList<RequestMetricBucket>> RequestMetricsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {StoredRows.RequestMetricColumns} FROM request_metrics WHERE bucket_start >= @p0 AND bucket_start < @p1",
            StoredRows.RequestMetric,
            cancellationToken, ToUnixMs(from), ToUnixMsCeiling(to));

    public Task SaveBudgetOverrideAsync(string interviewType, BudgetOverride? value, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => value is null
            ? context.Execute("DELETE FROM budget_overrides WHERE interview_type = @p0", interviewType)
            : context.Execute("INSERT OR REPLACE INTO budget_overrides (interview_type, threshold_ms, severe_ms) VALUES (@p0, @p1, @p2)",
                interviewType, value.ThresholdMs, value.SevereMs));

    public async Task<IReadOnlyDictionary<string, BudgetOverride>> BudgetOverridesAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "SELECT interview_type, threshold_ms, severe_ms FROM budget_overrides",
            r => (Type: r.GetString(0), Value: new BudgetOverride { ThresholdMs = r.IsDBNull(1) ? null : r.GetDouble(1), SevereMs = r.IsDBNull(2) ? null : r.GetDouble(2) }),
            cancellationToken);
        return rows.ToDictionary(r => r.Type, r => r.Value, StringComparer.OrdinalIgnoreCase);
    }
}
