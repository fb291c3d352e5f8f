using Promptly.Alerts;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Postgres;

internal sealed partial class PostgresStore : IAlertStore
{
    /// <summary>
    /// One statement (one snapshot): per interview type, a count per window over the longest window's range of
    /// <c>ix_latency_alerts</c> (interview type, time, and the verdict's columns included), read from the index alone.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ResponseCounts[]>> CountResponsesAsync(
        IReadOnlyList<string> interviewTypes, IReadOnlyList<DateTimeOffset> windowStarts, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, ResponseCounts[]>(StringComparer.Ordinal);
        if (windowStarts.Count == 0 || interviewTypes.Count == 0) return counts;
        // $1 the types, $2 the end, $3 the earliest start, $4.. each window's start.
        var windows = string.Join(", ", windowStarts.Select((_, i) =>
            $"count(*) FILTER (WHERE timestamp >= ${i + 4}), count(*) FILTER (WHERE timestamp >= ${i + 4} AND NOT failed AND response_time_ms <= threshold_ms)"));
        var sql = $"SELECT interview_type, {windows} FROM latency_records WHERE interview_type = ANY($1) AND timestamp >= $3 AND timestamp <= $2 GROUP BY interview_type";
        object?[] args = [interviewTypes.ToArray(), ToUnixMs(until), windowStarts.Min(s => ToUnixMs(s)), .. windowStarts.Select(s => (object?)ToUnixMs(s))];
        var rows = await QueryAsync(sql, r =>
        {
            var row = new ResponseCounts[windowStarts.Count];
            for (var i = 0; i < row.Length; i++) row[i] = new ResponseCounts(r.GetInt64(1 + 2 * i), r.GetInt64(2 + 2 * i));
            return (Type: r.GetString(0), Counts: row);
        }, cancellationToken, args);
        foreach (var (type, row) in rows)
        {
            // A type with no response in a window reads as zero counts there, as a window with no rows at all.
            counts[type] = row;
        }

        return counts;
    }

    /// <summary>
    /// Read, then write: instances storing at once take turns under <see cref="PostgresWriter.WriteOrderLock"/>, so the
    /// later one reads the state the earlier one stored.
    /// </summary>
    public Task<IReadOnlyList<DateTimeOffset?>> RecordAlertStatesAsync(IReadOnlyList<AlertDecision> decisions, DateTimeOffset at, CancellationToken cancellationToken) =>
        _writer.WriteAsync<IReadOnlyList<DateTimeOffset?>>(async context =>
        {
            var changed = new DateTimeOffset?[decisions.Count];
            for (var i = 0; i < decisions.Count; i++)
            {
                var (rule, type, firing) = decisions[i];
                var firingSince = await context.ScalarAsync(
                    "SELECT since FROM alert_states WHERE rule = $1 AND interview_type = $2 AND firing", rule, type) as long?;
                if ((firingSince is not null) == firing) continue;
                await context.ExecuteAsync(
                    """
                    INSERT INTO alert_states (rule, interview_type, firing, since) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (rule, interview_type) DO UPDATE SET firing = excluded.firing, since = excluded.since
                    """,
                    rule, type, firing, ToUnixMs(at));
                changed[i] = firingSince is { } since ? FromUnixMs(since) : at;
            }

            return changed;
        }, cancellationToken);
}
