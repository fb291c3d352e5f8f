using Microsoft.Extensions.Options;
using Promptly.Hosting;
using Promptly.Observability;

namespace Promptly.Analytics;

/// <summary>
/// Folds new raw runs into the stored digests, in batches, each batch in one transaction with its feed's
/// watermark: a crash between batches loses nothing (the rows are folded again from the watermark) and folds
/// nothing twice. Also deletes raw rows and digests past their retention.
/// </summary>
/// <remarks>
/// Of several instances on one database, the one holding the lease <see cref="LeaseName"/> runs the rounds and the
/// others skip theirs; the lease lasts <see cref="LeaseTime"/> past each round, so another instance takes over that
/// long after the holder stops. The lease only saves the work: folding stays exactly-once by the watermark's
/// compare-and-set even when two instances fold at once (a round longer than the lease, or the command line).
/// </remarks>
internal partial class LatencyRollup : PeriodicService
{
    private readonly IAnalyticsStore _store;
    private readonly IOptions<AnalyticsOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LatencyRollup> _logger;
    private long _caughtUp;

    /// <param name="instruments">The server's metrics (the rollup's lag); none for the command line, which folds once and exits.</param>
    public LatencyRollup(
        IAnalyticsStore store, IOptions<AnalyticsOptions> options, TimeProvider time, ILogger<LatencyRollup> logger, PromptlyInstruments? instruments = null)
        : base(time)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _caughtUp = time.GetTimestamp();
        instruments?.Observe("promptly.analytics.rollup.lag", PromptlyInstruments.Seconds,
            "Since the digests last caught up with every stored response: grows when the rollup falls behind or fails.",
            () => time.GetElapsedTime(Interlocked.Read(ref _caughtUp)).TotalSeconds);
    }

    /// <summary>The lease in the database that says which instance folds.</summary>
    public const string LeaseName = "analytics.rollup";

    /// <summary>This instance, as the lease's holder.</summary>
    private readonly string _holder = Guid.NewGuid().ToString("N");

    /// <summary>Three rounds, and at least 30 s: a holder late by a round or two keeps the lease.</summary>
    public TimeSpan LeaseTime => TimeSpan.FromMilliseconds(Math.Max(3L * _options.Value.RollupIntervalMs, 30_000));

    /// <summary>Until when this instance last took or renewed the lease.</summary>
    private DateTimeOffset _leasedUntil = DateTimeOffset.MinValue;

    private static readonly TimeSpan CleanupEvery = TimeSpan.FromMinutes(10);
    private const int DeleteBatch = 10_000;

    private readonly SemaphoreSlim _running = new(1, 1);
    private DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    /// <summary>Folds every raw run stored so far; returns how many were folded.</summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            long folded = 0;
            var watermarks = await _store.WatermarksAsync(cancellationToken);
            var aggregator = new RollupAggregator();
            foreach (var feed in Enum.GetValues<RunFeed>())
            {
                var after = watermarks[feed];
                while (true)
                {
                    var runs = await _store.RunsAfterAsync(feed, after, _options.Value.RollupBatch, cancellationToken);
                    if (runs.Count == 0) break;
                    aggregator.Clear();
                    foreach (var run in runs) aggregator.Add(run.Run);
                    if (!await _store.SaveRollupAsync(aggregator.Digests, feed, after, runs[^1].Id, cancellationToken))
                    {
                        // Another process (a second server or the CLI on the same file) got there first: start over from its watermark.
                        after = (await _store.WatermarksAsync(cancellationToken))[feed];
                        continue;
                    }

                    after = runs[^1].Id;
                    folded += runs.Count;
                    if (runs.Count == _options.Value.RollupBatch) LogProgress(folded, feed, after);
                }
            }

            Interlocked.Exchange(ref _caughtUp, _time.GetTimestamp());
            return folded;
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>Deletes what is past retention: raw rows only once folded into digests.</summary>
    public async Task<int> CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var settings = _options.Value;
        var deleted = 0;
        int batch;
        do
        {
            batch = await _store.DeleteExpiredAsync(now.AddDays(-settings.RawRetentionDays), now.AddDays(-settings.DigestRetentionDays), DeleteBatch, cancellationToken);
            deleted += batch;
        }
        while (batch >= DeleteBatch);

        _lastCleanup = now;
        return deleted;
    }

    /// <summary>One round of the server's loop: folds, and cleans up when due, if this instance holds the lease; false when another does.</summary>
    public async Task<bool> RunRoundAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!await HoldLeaseAsync(now, cancellationToken))
        {
            // Not behind: another instance folds, and its own lag says how it keeps up.
            Interlocked.Exchange(ref _caughtUp, _time.GetTimestamp());
            return false;
        }

        await CatchUpAsync(cancellationToken);
        if (now - _lastCleanup >= CleanupEvery)
        {
            var deleted = await CleanUpAsync(cancellationToken);
            if (deleted > 0) LogCleanup(deleted);
        }

        return true;
    }

    /// <summary>
    /// Renews the lease once a third of it has gone rather than every round, so that an idle server writes every ten
    /// seconds, not every second; no other instance can take it before it runs out.
    /// </summary>
    private async Task<bool> HoldLeaseAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_leasedUntil - now > LeaseTime * 2 / 3) return true;
        if (!await _store.TryLeaseAsync(LeaseName, _holder, now, now + LeaseTime, cancellationToken)) return false;
        _leasedUntil = now + LeaseTime;
        return true;
    }

    protected override TimeSpan Period => TimeSpan.FromMilliseconds(_options.Value.RollupIntervalMs);

    protected override bool RunsAtStart => true;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => RunRoundAsync(cancellationToken);

    // The raw rows stay; the next round folds them from the same watermark.
    protected override void OnPassFailed(Exception e) => LogFailed(e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Latency rollup: {Folded} runs folded into digests so far ({Feed} up to id {LastId})")]
    private partial void LogProgress(long folded, RunFeed feed, long lastId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Latency retention: {Deleted} expired rows deleted")]
    private partial void LogCleanup(int deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Latency rollup failed; it retries from the same watermark")]
    private partial void LogFailed(Exception e);
}
