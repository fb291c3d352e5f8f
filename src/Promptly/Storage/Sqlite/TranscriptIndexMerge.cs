using Microsoft.Extensions.Options;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// Keeps the transcript index's segments few, so that a search for a common word stays fast as the index grows: every
/// 30 seconds, small merge steps through the single writer until no level holds two segments (or a pass's steps run
/// out). Each step is a background write of its own, so a turn waits for at most one step.
/// </summary>
internal sealed partial class TranscriptIndexMerge(SqliteStore store, IOptions<SqliteOptions> options, TimeProvider time, ILogger<TranscriptIndexMerge> logger)
    : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    // About 128 KB written a step: a few milliseconds (BENCHMARKS.md, "Sessions list").
    internal const int PagesPerStep = 32;

    // A pass writes at most about 25 MB; a large backlog (an index built before this ran) is merged over several.
    private const int StepsPerPass = 200;

    /// <summary>One pass; returns the steps that merged something.</summary>
    public async Task<int> MergeAsync(CancellationToken cancellationToken)
    {
        var steps = 0;
        while (steps < StepsPerPass && !cancellationToken.IsCancellationRequested && await store.MergeTranscriptIndexAsync(PagesPerStep)) steps++;
        return steps;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // `promptly analyze` opens the database read-only: nothing to keep.
        if (options.Value.ReadOnly) return;
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var steps = await MergeAsync(stoppingToken);
                    if (steps > 0) LogMerged(steps);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Searches stay right with any number of segments, only slower: the next pass tries again.
                    LogFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transcript index: {Steps} merge step(s)")]
    private partial void LogMerged(int steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Merging the transcript index failed; it is tried again in 30 s")]
    private partial void LogFailed(Exception e);
}
