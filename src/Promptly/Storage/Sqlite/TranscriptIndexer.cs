using Microsoft.Extensions.Options;
using Promptly.Hosting;

namespace Promptly.Storage.Sqlite;

/// <summary>
/// Indexes the messages turns queued for the transcript index (<c>transcript_queue</c>): every second, steps of up to
/// <see cref="MessagesPerStep"/> messages until the queue is empty (or a pass's steps run out). A step is a write queued
/// with the requests' writes, not behind them: under unbroken load a background write would wait seconds, and the
/// queue must keep up with the turns (two messages each).
/// </summary>
internal sealed partial class TranscriptIndexer(SqliteStore store, IOptions<SqliteOptions> options, TimeProvider time, ILogger<TranscriptIndexer> logger)
    : PeriodicService(time)
{
    // A few milliseconds of the writer's time a step (BENCHMARKS.md, "Turn cost"), so the turns it rides with wait
    // little, while the segment FTS5 writes per commit is spread over thousands of messages.
    internal const int MessagesPerStep = 500;

    // A pass indexes at most 50,000 messages; a larger queue is worked off over several.
    private const int StepsPerPass = 100;

    /// <summary>One pass; returns the messages indexed.</summary>
    public async Task<int> IndexAsync(CancellationToken cancellationToken)
    {
        var indexed = 0;
        for (var step = 0; step < StepsPerPass && !cancellationToken.IsCancellationRequested; step++)
        {
            var messages = await store.IndexQueuedMessagesAsync(MessagesPerStep, cancellationToken);
            indexed += messages;
            if (messages < MessagesPerStep) break;
        }

        return indexed;
    }

    protected override TimeSpan Period { get; } = TimeSpan.FromSeconds(1);

    // `promptly analyze` opens the database read-only: nothing to index.
    protected override bool Enabled => !options.Value.ReadOnly;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var indexed = await IndexAsync(cancellationToken);
        if (indexed > 0) LogIndexed(indexed);
    }

    // Nothing is lost: the queue keeps the messages, and a search indexes what is queued before it reads.
    protected override void OnPassFailed(Exception e) => LogFailed(e);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Transcript index: {Messages} message(s) indexed")]
    private partial void LogIndexed(int messages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing queued transcript messages failed; it is tried again in 1 s")]
    private partial void LogFailed(Exception e);
}
