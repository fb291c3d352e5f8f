using Microsoft.Extensions.Options;
using Promptly.Hosting;

namespace Promptly.Interviews;

/// <summary>
/// Applies <see cref="PrivacyOptions"/>: every ten minutes, erases sessions past the transcript retention and deletes
/// audio past its own, in batches, so a large backlog never holds the writer for long.
/// </summary>
internal sealed partial class TranscriptRetention(IInterviewStore store, SessionCache cache, IOptionsMonitor<PrivacyOptions> options, TimeProvider time, ILogger<TranscriptRetention> logger)
    : PeriodicService(time)
{
    private const int Batch = 500;

    /// <summary>One pass; returns the sessions erased and the recordings deleted.</summary>
    public async Task<(int Sessions, int Recordings)> ApplyAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var settings = options.CurrentValue;
        int sessions = 0, recordings = 0, batch;
        if (settings.TranscriptRetentionDays > 0)
        {
            IReadOnlyList<string> erased;
            do
            {
                erased = await store.EraseSessionsBeforeAsync(now.AddDays(-settings.TranscriptRetentionDays), Batch, cancellationToken);
                // An erased session must not live on in memory.
                foreach (var id in erased) cache.Remove(id);
                sessions += erased.Count;
            }
            while (erased.Count == Batch);
        }

        if (settings.AudioRetentionDays > 0)
        {
            do
            {
                batch = await store.DeleteRecordingsBeforeAsync(now.AddDays(-settings.AudioRetentionDays), Batch, cancellationToken);
                recordings += batch;
            }
            while (batch == Batch);
        }

        return (sessions, recordings);
    }

    protected override TimeSpan Period { get; } = TimeSpan.FromMinutes(10);

    protected override bool RunsAtStart => true;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var (sessions, recordings) = await ApplyAsync(cancellationToken);
        if (sessions + recordings > 0) LogApplied(sessions, recordings);
    }

    // Nothing is lost by waiting: the next pass erases what this one did not.
    protected override void OnPassFailed(Exception e) => LogFailed(e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: erased {Sessions} session(s), deleted {Recordings} turn recording(s)")]
    private partial void LogApplied(int sessions, int recordings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention pass failed; it runs again in ten minutes")]
    private partial void LogFailed(Exception e);
}
