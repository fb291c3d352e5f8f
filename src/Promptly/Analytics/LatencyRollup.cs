using Microsoft.Extensions.Options;
using Promptly.Observability;

namespace Promptly.Analytics;

/// <summary>
/// Folds new raw runs into the stored digests, in batches, each batch in one transaction with its feed's
/// watermark: a crash between batches loses nothing (the rows are folded again from the watermark) and folds
/// nothing twice. Also deletes raw rows and digests past their retention.
/// </summary>
internal partial class LatencyRollup : BackgroundService
{
    private readonly IAnalyticsStore _store;
    private readonly IOptions<AnalyticsOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LatencyRollup> _logger;
    private long _caughtUp;

    /// <param name="instruments">The server's metrics (the rollup's lag); none for the command line, which folds once and exits.</param>
    public LatencyRollup(
        IAnalyticsStore store, IOptions<AnalyticsOptions> options, TimeProvider time, ILogger<LatencyRollup> logger, PromptlyInstruments? instruments = null)
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.Value.RollupIntervalMs), _time);
        do
        {
            try
            {
                await CatchUpAsync(stoppingToken);
                if (_time.GetUtcNow() - _lastCleanup >= CleanupEvery)
                {
                    var deleted = await CleanUpAsync(stoppingToken);
                    if (deleted > 0) LogCleanup(deleted);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The raw rows stay; the next round folds them from the same watermark.
                LogFailed(e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Latency rollup: {Folded} runs folded into digests so far ({Feed} up to id {LastId})")]
    private partial void LogProgress(long folded, RunFeed feed, long lastId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Latency retention: {Deleted} expired rows deleted")]
    private partial void LogCleanup(int deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Latency rollup failed; it retries from the same watermark")]
    private partial void LogFailed(Exception e);
}
