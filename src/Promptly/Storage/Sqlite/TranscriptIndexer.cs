using Microsoft.Extensions.Options;
using Promptly.Hosting;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// Keeps the transcript index (<c>messages_fts</c>) up with the turns and fast to search, through the single writer:
/// <list type="bullet">
/// <item>every second, indexes the messages turns queued (<c>transcript_queue</c>) in steps of up to
/// <see cref="MessagesPerStep"/>, until the queue is empty or a pass's steps run out. A step is a write queued with the
/// requests' writes, not behind them: under unbroken load a background write would wait seconds, and the index must
/// keep up with the turns (two messages each);</item>
/// <item>every 30 seconds, merges the index's segments in small background steps until no level holds two (or a pass's
/// steps run out), so a search for a common word stays fast as the index grows. A turn waits for at most one step.</item>
/// </list>
/// </summary>
internal sealed partial class TranscriptIndexer(SqliteStore store, IOptions<SqliteOptions> options, TimeProvider time, ILogger<TranscriptIndexer> logger)
    : PeriodicService(time)
{
    // About 2 ms of the writer's time a step on this project's machine, so the turns it rides with wait little, while
    // the segment FTS5 writes at each commit is shared by hundreds of messages (BENCHMARKS.md, "Turn cost").
    internal const int MessagesPerStep = 500;

    // A pass indexes at most 50,000 messages; a larger queue is worked off over several.
    private const int IndexStepsPerPass = 100;

    // About 128 KB written a step: a few milliseconds (BENCHMARKS.md, "Sessions list").
    internal const int PagesPerStep = 32;

    // A pass merges at most about 25 MB; a large backlog (an index built before this ran) is merged over several.
    private const int MergeStepsPerPass = 200;

    private const int PassesPerMerge = 30;

    private int _passes;

    /// <summary>Indexes what is queued; returns the messages indexed.</summary>
    public async Task<int> IndexAsync(CancellationToken cancellationToken)
    {
        var indexed = 0;
        for (var step = 0; step < IndexStepsPerPass && !cancellationToken.IsCancellationRequested; step++)
        {
            var messages = await store.IndexQueuedMessagesAsync(MessagesPerStep, cancellationToken);
            indexed += messages;
            if (messages < MessagesPerStep) break;
        }

        return indexed;
    }

    /// <summary>Merges the index's segments; returns the steps that merged something.</summary>
    public async Task<int> MergeAsync(CancellationToken cancellationToken)
    {
        var steps = 0;
        while (steps < MergeStepsPerPass && !cancellationToken.IsCancellationRequested && await store.MergeTranscriptIndexAsync(PagesPerStep)) steps++;
        return steps;
    }

    protected override TimeSpan Period { get; } = TimeSpan.FromSeconds(1);

    // `promptly analyze` opens the database read-only: nothing to keep.
    protected override bool Enabled => !options.Value.ReadOnly;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var indexed = await IndexAsync(cancellationToken);
        if (indexed > 0) LogIndexed(indexed);
        if (++_passes % PassesPerMerge != 0) return;
        var merged = await MergeAsync(cancellationToken);
        if (merged > 0) LogMerged(merged);
    }

    // Nothing is lost: the queue keeps its messages and a search indexes what is queued before it reads; searches stay
    // right with any number of segments, only slower.
    protected override void OnPassFailed(Exception e) => LogFailed(e);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Transcript index: {Messages} message(s) indexed")]
    private partial void LogIndexed(int messages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transcript index: {Steps} merge step(s)")]
    private partial void LogMerged(int steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keeping the transcript index failed; it is tried again in a second")]
    private partial void LogFailed(Exception e);
}
