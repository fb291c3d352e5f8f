using System.Text;
using Promptly.Alerts;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore : IAlertStore
{
    /// <summary>
    /// One pass over the longest window on <c>ix_latency_alerts</c> (interview type, time, then the verdict's columns):
    /// a range per type, from the index alone, already in the GROUP BY's order; each window is a conditional sum.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ResponseCounts[]>> CountResponsesAsync(
        IReadOnlyList<string> interviewTypes, IReadOnlyList<DateTimeOffset> windowStarts, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // @p0 the end, @p1 the earliest start, then each window's start, then the types.
        var sql = new StringBuilder("SELECT interview_type");
        for (var i = 0; i < windowStarts.Count; i++)
        {
            sql.Append($", SUM(timestamp >= @p{i + 2}), SUM(timestamp >= @p{i + 2} AND failed = 0 AND response_time_ms <= threshold_ms)");
        }

        var types = string.Join(", ", interviewTypes.Select((_, i) => $"@p{windowStarts.Count + 2 + i}"));
        sql.Append($" FROM latency_records WHERE interview_type IN ({types}) AND timestamp >= @p1 AND timestamp <= @p0 GROUP BY interview_type");

        object?[] args = [ToUnixMs(until), ToUnixMs(windowStarts.Min()), .. windowStarts.Select(s => (object?)ToUnixMs(s)), .. interviewTypes];
        var rows = await QueryAsync(sql.ToString(), r =>
        {
            var counts = new ResponseCounts[windowStarts.Count];
            for (var i = 0; i < counts.Length; i++) counts[i] = new ResponseCounts(r.GetInt64(1 + 2 * i), r.GetInt64(2 + 2 * i));
            return (Type: r.GetString(0), Counts: counts);
        }, cancellationToken, args);
        return rows.ToDictionary(r => r.Type, r => r.Counts, StringComparer.Ordinal);
    }
}
