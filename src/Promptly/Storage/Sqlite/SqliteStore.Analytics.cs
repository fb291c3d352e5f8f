using Microsoft.Data.Sqlite;
using Promptly.Analytics;
using Promptly.Latency;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Sqlite;

internal sealed partial class SqliteStore : IAnalyticsStore
{
    private const string ResponseRunColumns =
        "id, interview_type, timestamp, response_time_ms, phases, failed = 0 AND response_time_ms <= threshold_ms, failed, channel";

    public Task SaveEventsAsync(IReadOnlyList<IngestedEvent> events, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            foreach (var e in events)
            {
                context.Execute(
                    "INSERT INTO latency_events (source, run_id, interview_type, timestamp, total_ms, phases, tags, threshold_ms) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
                    e.Run.Source, e.RunId, e.Run.InterviewType, ToUnixMs(e.Run.Timestamp), e.Run.TotalMs, PhaseText.Write(e.Run.Phases), e.TagsJson, e.ThresholdMs);
            }

            return true;
        });

    public async Task<IReadOnlyDictionary<RunFeed, long>> WatermarksAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return ReadWatermarks(connection, null);
    }

    public async Task<IReadOnlyList<FeedRun>> RunsAfterAsync(RunFeed feed, long afterId, int limit, CancellationToken cancellationToken) =>
        feed == RunFeed.Responses
            ? await QueryAsync($"SELECT {ResponseRunColumns} FROM latency_records WHERE id > @p0 ORDER BY id LIMIT @p1", StoredRows.ResponseRun, cancellationToken, afterId, limit)
            : await QueryAsync($"SELECT {StoredRows.EventRunColumns} FROM latency_events WHERE id > @p0 ORDER BY id LIMIT @p1", StoredRows.EventRun, cancellationToken, afterId, limit);

    public Task<bool> SaveRollupAsync(IReadOnlyDictionary<DigestKey, LatencyDigest> digests, RunFeed feed, long fromId, long lastId, CancellationToken cancellationToken) =>
        _writer.WriteInBackgroundAsync(context =>
        {
            if (Watermark(context, feed) != fromId) return false;
            foreach (var (key, fresh) in digests)
            {
                var digest = fresh;
                using (var stored = context.Query(
                    $"SELECT {StoredRows.DigestColumns}, histogram FROM latency_digests WHERE size = @p0 AND bucket_start = @p1 AND source = @p2 AND interview_type = @p3 AND phase = @p4",
                    (int)key.Size, key.StartMs, key.Source, key.InterviewType, key.Phase))
                {
                    if (stored.Read())
                    {
                        digest = new LatencyDigest();
                        StoredRows.Digest(stored).MergeInto(digest);
                        digest.Merge(fresh);
                    }
                }

                context.Execute(
                    $"INSERT OR REPLACE INTO latency_digests ({StoredRows.DigestColumns}, histogram) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12)",
                    (int)key.Size, key.StartMs, key.Source, key.InterviewType, key.Phase, digest.Count, digest.Mean, digest.SquaredDeviations, digest.Min,
                    digest.Max, digest.WithinBudget, digest.Failed, digest.EncodeHistogram());
            }

            context.Execute("INSERT OR REPLACE INTO analytics_watermarks (feed, last_id) VALUES (@p0, @p1)", FeedName(feed), lastId);
            return true;
        });

    public Task<int> DeleteExpiredAsync(DateTimeOffset rawBefore, DateTimeOffset digestsBefore, int limit, CancellationToken cancellationToken) =>
        _writer.WriteInBackgroundAsync(context =>
        {
            // Only rows the digests already hold may go, or their figures would vanish from every window.
            var responses = Watermark(context, RunFeed.Responses);
            var events = Watermark(context, RunFeed.Events);
            var raw = ToUnixMs(rawBefore);
            return context.Execute(
                    "DELETE FROM latency_records WHERE id IN (SELECT id FROM latency_records WHERE timestamp < @p0 AND id <= @p1 LIMIT @p2)", raw, responses, limit)
                + context.Execute(
                    "DELETE FROM latency_events WHERE id IN (SELECT id FROM latency_events WHERE timestamp < @p0 AND id <= @p1 LIMIT @p2)", raw, events, limit)
                + context.Execute("DELETE FROM latency_digests WHERE size IN (3600, 86400) AND bucket_start < @p0", ToUnixMs(digestsBefore));
        });

    public async Task<AnalyticsSnapshot> ReadAsync(AnalyticsRead read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // One read transaction: in WAL mode it sees a single snapshot, so the exact-or-digests choice, the digests and
        // the watermarks agree with the rows read. Deferred: the default, BEGIN IMMEDIATE, takes the write lock, so reads
        // queued behind the writer, and a BEGIN retried after a busy database could find its own first try's
        // transaction open and fail ("cannot start a transaction within a transaction"), leaving it open on the
        // connection for whoever took it from the pool next.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var exact = read.Exact is { } candidate && FewRuns(connection, transaction, candidate, read.Filter);
        var (from, to) = exact ? (read.Exact!.From, read.Exact.To) : (read.From, read.To);
        var digests = new List<StoredDigest>();
        var runs = new List<RunSample>();
        var watermarks = exact ? null : ReadWatermarks(connection, transaction);
        foreach (var feed in Enum.GetValues<RunFeed>())
        {
            if (!read.Filter.Includes(feed)) continue;
            var after = watermarks is null ? -1 : watermarks.GetValueOrDefault(feed);
            ReadRuns(connection, transaction, feed, from, to, read.Filter, after, runs);
        }

        if (!exact)
        {
            foreach (var range in read.Ranges)
            {
                ReadDigests(connection, transaction, range, read, digests);
            }
        }

        return new AnalyticsSnapshot(digests, runs, exact);
    }

    /// <summary>
    /// Whether at most <see cref="ExactRead.RunLimit"/> runs of the window match the filter. The time index finds the
    /// window's rows and LIMIT stops after <see cref="ExactRead.ScanLimit"/> of them, matching or not: a window with
    /// more is not read row by row, so the cost is bounded by the limit, not by the window.
    /// </summary>
    private static bool FewRuns(SqliteConnection connection, SqliteTransaction transaction, ExactRead exact, RunFilter filter)
    {
        long matched = 0;
        foreach (var feed in Enum.GetValues<RunFeed>())
        {
            if (!filter.Includes(feed)) continue;
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = feed == RunFeed.Responses
                ? "SELECT count(*), coalesce(sum((@type IS NULL OR interview_type = @type) AND (@channel IS NULL OR channel = @channel)), 0) FROM (SELECT interview_type, channel FROM latency_records WHERE timestamp >= @from AND timestamp < @to LIMIT @scan)"
                : $"SELECT count(*), coalesce(sum((@type IS NULL OR interview_type = @type) {SourceIn(command, filter.EventSources)}), 0) FROM (SELECT interview_type, source FROM latency_events WHERE timestamp >= @from AND timestamp < @to LIMIT @scan)";
            command.Parameters.AddWithValue("@from", ToUnixMs(exact.From));
            command.Parameters.AddWithValue("@to", ToUnixMsCeiling(exact.To));
            command.Parameters.AddWithValue("@type", (object?)filter.InterviewType ?? DBNull.Value);
            command.Parameters.AddWithValue("@channel", (object?)filter.Channel ?? DBNull.Value);
            command.Parameters.AddWithValue("@scan", exact.ScanLimit);
            using var reader = command.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) >= exact.ScanLimit) return false;
            matched += reader.GetInt64(1);
            if (matched > exact.RunLimit) return false;
        }

        return true;
    }

    private static void ReadRuns(
        SqliteConnection connection, SqliteTransaction transaction, RunFeed feed, DateTimeOffset from, DateTimeOffset to, RunFilter filter, long afterId, List<RunSample> into)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The tail read walks ids from the watermark: '+timestamp' keeps SQLite off the time index, which would scan the whole window.
        var time = afterId < 0 ? "timestamp" : "+timestamp";
        command.CommandText = feed == RunFeed.Responses
            ? $"SELECT {ResponseRunColumns} FROM latency_records WHERE id > @after AND {time} >= @from AND {time} < @to AND (@type IS NULL OR interview_type = @type) AND (@channel IS NULL OR channel = @channel)"
            : $"SELECT {StoredRows.EventRunColumns} FROM latency_events WHERE id > @after AND {time} >= @from AND {time} < @to AND (@type IS NULL OR interview_type = @type) {SourceIn(command, filter.EventSources)}";
        command.Parameters.AddWithValue("@after", afterId);
        command.Parameters.AddWithValue("@from", ToUnixMs(from));
        command.Parameters.AddWithValue("@to", ToUnixMsCeiling(to));
        command.Parameters.AddWithValue("@type", (object?)filter.InterviewType ?? DBNull.Value);
        if (feed == RunFeed.Responses) command.Parameters.AddWithValue("@channel", (object?)filter.Channel ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            into.Add((feed == RunFeed.Responses ? StoredRows.ResponseRun(reader) : StoredRows.EventRun(reader)).Run);
        }
    }

    private static void ReadDigests(SqliteConnection connection, SqliteTransaction transaction, DigestRange range, AnalyticsRead read, List<StoredDigest> into)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var phases = read.Detail == DigestDetail.Totals ? "AND phase = ''" : "";
        var histogram = read.Detail == DigestDetail.Full ? "histogram" : "CASE WHEN phase = '' THEN histogram END";
        command.CommandText =
            $"SELECT {StoredRows.DigestColumns}, {histogram} FROM latency_digests WHERE size = @size AND bucket_start >= @from AND bucket_start < @to {phases} {SourceIn(command, read.Filter.Sources)} AND (@type IS NULL OR interview_type = @type)";
        command.Parameters.AddWithValue("@size", (int)range.Size);
        command.Parameters.AddWithValue("@from", ToUnixMs(range.From));
        command.Parameters.AddWithValue("@to", ToUnixMs(range.To));
        command.Parameters.AddWithValue("@type", (object?)read.Filter.InterviewType ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            into.Add(StoredRows.Digest(reader));
        }
    }

    /// <summary>"AND source IN (…)" with a parameter per source, bound on <paramref name="command"/>; nothing for all sources.</summary>
    private static string SourceIn(SqliteCommand command, IReadOnlyList<string>? sources)
    {
        if (sources is null) return "";
        var names = new string[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            names[i] = $"@source{i}";
            command.Parameters.AddWithValue(names[i], sources[i]);
        }

        return $"AND source IN ({string.Join(", ", names)})";
    }

    private static Dictionary<RunFeed, long> ReadWatermarks(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT feed, last_id FROM analytics_watermarks";
        using var reader = command.ExecuteReader();
        var marks = new Dictionary<RunFeed, long> { [RunFeed.Responses] = 0, [RunFeed.Events] = 0 };
        while (reader.Read())
        {
            marks[reader.GetString(0) == FeedName(RunFeed.Responses) ? RunFeed.Responses : RunFeed.Events] = reader.GetInt64(1);
        }

        return marks;
    }

    private static long Watermark(WriteContext context, RunFeed feed) =>
        context.Scalar("SELECT last_id FROM analytics_watermarks WHERE feed = @p0", FeedName(feed)) is long id ? id : 0;

    private static string FeedName(RunFeed feed) => feed == RunFeed.Responses ? "responses" : "events";
}
