using Microsoft.Extensions.Options;
using Promptly.Hosting;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// Keeps the transcript index (<see cref="TranscriptIndex"/>, a file of its own) up with the turns and fast to search:
/// <list type="bullet">
/// <item>every second, indexes the messages turns stored since and applies the erasures queued
/// (<c>transcript_queue</c>), in steps of up to <see cref="MessagesPerStep"/> each on the index's own connection, until
/// none is left or a pass's steps run out, then has the store's writer trim the queue behind the requests' writes. No
/// step holds up a turn: the store is only read, in a snapshot;</item>
/// <item>every 30 seconds, merges the index's segments in bounded steps until no level holds two (or a pass's steps run
/// out), so a search for a common word stays fast as the index grows. A search waits for at most one step.</item>
/// </list>
/// </summary>
internal sealed partial class TranscriptIndexer(SqliteStore store, IOptions<SqliteOptions> options, TimeProvider time, ILogger<TranscriptIndexer> logger)
    : PeriodicService(time)
{
    // FTS5 writes a segment of the index at each commit and merges segments as they pile up, so the fewer and larger
    // the steps the less CPU a message costs (BENCHMARKS.md, "The transcript index off the writer"); a search waits for
    // at most one, tens of milliseconds.
    internal const int MessagesPerStep = 10_000;

    // A pass indexes at most about 200,000 messages; a larger backlog is worked off over several.
    private const int IndexStepsPerPass = 20;

    // About 128 KB written a step: a few milliseconds (BENCHMARKS.md, "Sessions list").
    internal const int PagesPerStep = 32;

    // A pass merges at most about 25 MB; a large backlog is merged over several.
    private const int MergeStepsPerPass = 200;

    private const int PassesPerMerge = 30;

    private int _passes;

    /// <summary>Indexes what is pending; returns the messages indexed and the erasures applied.</summary>
    public async Task<int> IndexAsync(CancellationToken cancellationToken)
    {
        var indexed = 0;
        for (var step = 0; step < IndexStepsPerPass && !cancellationToken.IsCancellationRequested; step++)
        {
            var messages = await store.IndexPendingMessagesAsync(MessagesPerStep, cancellationToken);
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
        if (indexed > 0)
        {
            LogIndexed(indexed);
            await store.TrimTranscriptQueueAsync();
        }

        if (++_passes % PassesPerMerge != 0) return;
        var merged = await MergeAsync(cancellationToken);
        if (merged > 0) LogMerged(merged);
    }

    // Nothing is lost: what is not indexed stays pending, and a search indexes what is pending before it reads; searches
    // stay right with any number of segments, only slower.
    protected override void OnPassFailed(Exception e) => LogFailed(e);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Transcript index: {Messages} message(s) indexed or erasure(s) applied")]
    private partial void LogIndexed(int messages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transcript index: {Steps} merge step(s)")]
    private partial void LogMerged(int steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keeping the transcript index failed; it is tried again in a second")]
    private partial void LogFailed(Exception e);
}
