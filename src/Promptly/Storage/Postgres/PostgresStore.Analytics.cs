using Npgsql;
using Promptly.Analytics;
using Promptly.Latency;
using Promptly.Storage.Rows;
using static Promptly.Storage.StoredTime;

namespace Promptly.Storage.Postgres;

internal sealed partial class PostgresStore : IAnalyticsStore
{
    private const string ResponseRunColumns =
        "id, interview_type, timestamp, response_time_ms, phases, NOT failed AND response_time_ms <= threshold_ms, failed, channel";

    public Task SaveEventsAsync(IReadOnlyList<IngestedEvent> events, CancellationToken cancellationToken) =>
        _writer.WriteAsync(async context =>
        {
            // One statement for the whole batch, its columns as arrays: one round trip however many events.
            await context.ExecuteAsync(
                """
                INSERT INTO latency_events (source, run_id, interview_type, timestamp, total_ms, phases, tags, threshold_ms)
                SELECT source, run_id, interview_type, timestamp, total_ms, phases, tags, threshold_ms
                FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::double precision[], $6::text[], $7::text[], $8::double precision[])
                    WITH ORDINALITY AS e (source, run_id, interview_type, timestamp, total_ms, phases, tags, threshold_ms, n)
                ORDER BY n
                """,
                events.Select(e => e.Run.Source).ToArray(), events.Select(e => e.RunId).ToArray(), events.Select(e => e.Run.InterviewType).ToArray(),
                events.Select(e => ToUnixMs(e.Run.Timestamp)).ToArray(), events.Select(e => e.Run.TotalMs).ToArray(),
                events.Select(e => PhaseText.Write(e.Run.Phases)).ToArray(), events.Select(e => e.TagsJson).ToArray(), events.Select(e => e.ThresholdMs).ToArray());
            return true;
        });

    public async Task<IReadOnlyDictionary<RunFeed, long>> WatermarksAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Guarded(() => ReadWatermarksAsync(connection, null, cancellationToken));
    }

    public async Task<IReadOnlyList<FeedRun>> RunsAfterAsync(RunFeed feed, long afterId, int limit, CancellationToken cancellationToken) =>
        feed == RunFeed.Responses
            ? await QueryAsync($"SELECT {ResponseRunColumns} FROM latency_records WHERE id > $1 ORDER BY id LIMIT $2", StoredRows.ResponseRun, cancellationToken, afterId, limit)
            : await QueryAsync($"SELECT {StoredRows.EventRunColumns} FROM latency_events WHERE id > $1 ORDER BY id LIMIT $2", StoredRows.EventRun, cancellationToken, afterId, limit);

    /// <summary>
    /// The compare-and-set of the watermark under its row's lock: of several instances folding the same runs, the
    /// first to lock the row moves it, and the others, once it commits, find it moved and write nothing.
    /// </summary>
    public Task<bool> SaveRollupAsync(IReadOnlyDictionary<DigestKey, LatencyDigest> digests, RunFeed feed, long fromId, long lastId, CancellationToken cancellationToken) =>
        _writer.WriteInBackgroundAsync(async context =>
        {
            if (await WatermarkAsync(context, feed, forUpdate: true) != fromId) return false;
            foreach (var (key, fresh) in digests)
            {
                var digest = fresh;
                await using (var stored = await context.QueryAsync(
                    $"SELECT {StoredRows.DigestColumns}, histogram FROM latency_digests WHERE size = $1 AND bucket_start = $2 AND source = $3 AND interview_type = $4 AND phase = $5",
                    (int)key.Size, key.StartMs, key.Source, key.InterviewType, key.Phase))
                {
                    if (await stored.ReadAsync())
                    {
                        digest = new LatencyDigest();
                        StoredRows.Digest(stored).MergeInto(digest);
                        digest.Merge(fresh);
                    }
                }

                await context.ExecuteAsync(
                    $"""
                    INSERT INTO latency_digests ({StoredRows.DigestColumns}, histogram) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                    ON CONFLICT (size, bucket_start, source, interview_type, phase) DO UPDATE SET count = excluded.count, mean_ms = excluded.mean_ms,
                        m2 = excluded.m2, min_ms = excluded.min_ms, max_ms = excluded.max_ms, within_budget = excluded.within_budget, failed = excluded.failed,
                        histogram = excluded.histogram
                    """,
                    (int)key.Size, key.StartMs, key.Source, key.InterviewType, key.Phase, digest.Count, digest.Mean, digest.SquaredDeviations, digest.Min,
                    digest.Max, digest.WithinBudget, digest.Failed, digest.EncodeHistogram());
            }

            await context.ExecuteAsync("UPDATE analytics_watermarks SET last_id = $2 WHERE feed = $1", FeedName(feed), lastId);
            return true;
        });

    public Task<int> DeleteExpiredAsync(DateTimeOffset rawBefore, DateTimeOffset digestsBefore, int limit, CancellationToken cancellationToken) =>
        _writer.WriteInBackgroundAsync(async context =>
        {
            // Only rows the digests already hold may go, or their figures would vanish from every window.
            var responses = await WatermarkAsync(context, RunFeed.Responses, forUpdate: false);
            var events = await WatermarkAsync(context, RunFeed.Events, forUpdate: false);
            var raw = ToUnixMs(rawBefore);
            return await context.ExecuteAsync(
                    "DELETE FROM latency_records WHERE id IN (SELECT id FROM latency_records WHERE timestamp < $1 AND id <= $2 LIMIT $3)", raw, responses, limit)
                + await context.ExecuteAsync(
                    "DELETE FROM latency_events WHERE id IN (SELECT id FROM latency_events WHERE timestamp < $1 AND id <= $2 LIMIT $3)", raw, events, limit)
                + await context.ExecuteAsync("DELETE FROM latency_digests WHERE size IN (3600, 86400) AND bucket_start < $1", ToUnixMs(digestsBefore));
        });

    public async Task<AnalyticsSnapshot> ReadAsync(AnalyticsRead read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // One REPEATABLE READ transaction: the exact-or-digests choice, the digests and the watermarks agree with the rows read.
        await using var transaction = await SnapshotAsync(connection, cancellationToken);
        return await Guarded(async () =>
        {
            var exact = read.Exact is { } candidate && await FewRunsAsync(connection, transaction, candidate, read.Filter, cancellationToken);
            var (from, to) = exact ? (read.Exact!.From, read.Exact.To) : (read.From, read.To);
            var digests = new List<StoredDigest>();
            var runs = new List<RunSample>();
            var watermarks = exact ? null : await ReadWatermarksAsync(connection, transaction, cancellationToken);
            foreach (var feed in Enum.GetValues<RunFeed>())
            {
                if (!read.Filter.Includes(feed)) continue;
                var after = watermarks is null ? -1 : watermarks.GetValueOrDefault(feed);
                runs.AddRange(await ReadRunsAsync(connection, transaction, feed, from, to, read.Filter, after, cancellationToken));
            }

            if (!exact)
            {
                foreach (var range in read.Ranges)
                {
                    digests.AddRange(await ReadDigestsAsync(connection, transaction, range, read, cancellationToken));
                }
            }

            return new AnalyticsSnapshot(digests, runs, exact);
        });
    }

    /// <summary>
    /// Whether at most <see cref="ExactRead.RunLimit"/> runs of the window match the filter. The time index finds the
    /// window's rows and LIMIT stops after <see cref="ExactRead.ScanLimit"/> of them, matching or not: a window with
    /// more is not read row by row, so the cost is bounded by the limit, not by the window.
    /// </summary>
    private static async Task<bool> FewRunsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ExactRead exact, RunFilter filter, CancellationToken cancellationToken)
    {
        long matched = 0;
        foreach (var feed in Enum.GetValues<RunFeed>())
        {
            if (!filter.Includes(feed)) continue;
            // $1 from, $2 to, $3 the type, $4 the channel or the event sources, $5 the scan limit.
            var sql = feed == RunFeed.Responses
                ? "SELECT count(*), count(*) FILTER (WHERE ($3::text IS NULL OR interview_type = $3) AND ($4::text IS NULL OR channel = $4)) FROM (SELECT interview_type, channel FROM latency_records WHERE timestamp >= $1 AND timestamp < $2 LIMIT $5) w"
                : "SELECT count(*), count(*) FILTER (WHERE ($3::text IS NULL OR interview_type = $3) AND ($4::text[] IS NULL OR source = ANY($4))) FROM (SELECT interview_type, source FROM latency_events WHERE timestamp >= $1 AND timestamp < $2 LIMIT $5) w";
            object? narrowing = feed == RunFeed.Responses ? filter.Channel : filter.EventSources?.ToArray();
            var (scanned, matching) = (await ReadAllAsync(connection, transaction, sql, r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken,
                [ToUnixMs(exact.From), ToUnixMsCeiling(exact.To), filter.InterviewType, narrowing, exact.ScanLimit]))[0];
            if (scanned >= exact.ScanLimit) return false;
            matched += matching;
            if (matched > exact.RunLimit) return false;
        }

        return true;
    }

    private static Task<List<RunSample>> ReadRunsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, RunFeed feed, DateTimeOffset from, DateTimeOffset to, RunFilter filter, long afterId,
        CancellationToken cancellationToken)
    {
        // $1 after, $2 from, $3 to, $4 the type, $5 the channel or the event sources.
        var sql = feed == RunFeed.Responses
            ? $"SELECT {ResponseRunColumns} FROM latency_records WHERE id > $1 AND timestamp >= $2 AND timestamp < $3 AND ($4::text IS NULL OR interview_type = $4) AND ($5::text IS NULL OR channel = $5)"
            : $"SELECT {StoredRows.EventRunColumns} FROM latency_events WHERE id > $1 AND timestamp >= $2 AND timestamp < $3 AND ($4::text IS NULL OR interview_type = $4) AND ($5::text[] IS NULL OR source = ANY($5))";
        object? narrowing = feed == RunFeed.Responses ? filter.Channel : filter.EventSources?.ToArray();
        return ReadAllAsync(connection, transaction, sql, r => (feed == RunFeed.Responses ? StoredRows.ResponseRun(r) : StoredRows.EventRun(r)).Run, cancellationToken,
            [afterId, ToUnixMs(from), ToUnixMsCeiling(to), filter.InterviewType, narrowing]);
    }

    private static Task<List<StoredDigest>> ReadDigestsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DigestRange range, AnalyticsRead read, CancellationToken cancellationToken)
    {
        var phases = read.Detail == DigestDetail.Totals ? "AND phase = ''" : "";
        var histogram = read.Detail == DigestDetail.Full ? "histogram" : "CASE WHEN phase = '' THEN histogram END";
        var sql =
            $"SELECT {StoredRows.DigestColumns}, {histogram} FROM latency_digests WHERE size = $1 AND bucket_start >= $2 AND bucket_start < $3 {phases} AND ($4::text[] IS NULL OR source = ANY($4)) AND ($5::text IS NULL OR interview_type = $5)";
        return ReadAllAsync(connection, transaction, sql, StoredRows.Digest, cancellationToken,
            [(int)range.Size, ToUnixMs(range.From), ToUnixMs(range.To), read.Filter.Sources?.ToArray(), read.Filter.InterviewType]);
    }

    private static async Task<Dictionary<RunFeed, long>> ReadWatermarksAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var marks = new Dictionary<RunFeed, long> { [RunFeed.Responses] = 0, [RunFeed.Events] = 0 };
        foreach (var (feed, lastId) in await ReadAllAsync(connection, transaction, "SELECT feed, last_id FROM analytics_watermarks",
                     r => (r.GetString(0), r.GetInt64(1)), cancellationToken, []))
        {
            marks[feed == FeedName(RunFeed.Responses) ? RunFeed.Responses : RunFeed.Events] = lastId;
        }

        return marks;
    }

    private static async Task<long> WatermarkAsync(PostgresWriteContext context, RunFeed feed, bool forUpdate) =>
        await context.ScalarAsync($"SELECT last_id FROM analytics_watermarks WHERE feed = $1{(forUpdate ? " FOR UPDATE" : "")}", FeedName(feed)) is long id ? id : 0;

    private static string FeedName(RunFeed feed) => feed == RunFeed.Responses ? "responses" : "events";
}
