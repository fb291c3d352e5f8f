using Microsoft.Extensions.Options;
using Promptly.Hosting;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// Keeps the transcript index's segments few, so that a search for a common word stays fast as the index grows: every
/// 30 seconds, small merge steps through the single writer until no level holds two segments (or a pass's steps run
/// out). Each step is a background write of its own, so a turn waits for at most one step.
/// </summary>
internal sealed partial class TranscriptIndexMerge(SqliteStore store, IOptions<SqliteOptions> options, TimeProvider time, ILogger<TranscriptIndexMerge> logger)
    : PeriodicService(time)
{

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

    protected override TimeSpan Period { get; } = TimeSpan.FromSeconds(30);

    // `promptly analyze` opens the database read-only: nothing to keep.
    protected override bool Enabled => !options.Value.ReadOnly;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var steps = await MergeAsync(cancellationToken);
        if (steps > 0) LogMerged(steps);
    }

    // Searches stay right with any number of segments, only slower: the next pass tries again.
    protected override void OnPassFailed(Exception e) => LogFailed(e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transcript index: {Steps} merge step(s)")]
    private partial void LogMerged(int steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Merging the transcript index failed; it is tried again in 30 s")]
    private partial void LogFailed(Exception e);
}
