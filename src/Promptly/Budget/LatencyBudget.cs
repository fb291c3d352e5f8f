using Promptly.Errors;
using Promptly.Latency;
using Promptly.Observability;

namespace Promptly.Budget;

/// <summary>
/// Starts <see cref="LatencyTracker"/>s and decides what their records mean: the verdict in the log (WARNING over the
/// threshold, ERROR over the severe limit) and, for a severe violation, the error-log entry stored with the record.
/// Storage only writes what it is handed.
/// </summary>
internal partial class LatencyBudget(BudgetPolicy policy, ILatencyStore store, TimeProvider time, PromptlyInstruments instruments, ILogger<LatencyBudget> logger)
    : ILatencyRecorder
{
    public BudgetPolicy Policy => policy;

    /// <summary>Starts timing a response of <paramref name="subject"/>'s session.</summary>
    /// <param name="subject">The session the response belongs to.</param>
    /// <param name="startTimestamp">When the request arrived (<see cref="TimeProvider.GetTimestamp"/>); now when null.</param>
    /// <param name="questionNumber">The response's number; the session's next one when null.</param>
    /// <param name="thresholdMs">A threshold for this call only, overriding the policy.</param>
    /// <param name="channel">How the response is exchanged (<see cref="LatencyChannels"/>).</param>
    public LatencyTracker Start(
        LatencySubject subject, long? startTimestamp = null, int? questionNumber = null, double? thresholdMs = null, string channel = LatencyChannels.Text)
    {
        int number;
        if (questionNumber is { } given)
        {
            subject.Saw(given);
            number = given;
        }
        else
        {
            number = subject.NextQuestionNumber();
        }

        return new LatencyTracker(this, time, subject, number, startTimestamp ?? time.GetTimestamp(), policy.For(subject.InterviewType, thresholdMs), channel);
    }

    /// <summary>What a store writes for a sealed response: the record and, when severe, its error-log entry.</summary>
    public static Func<BudgetedLatency> Entry(LatencySeal seal) => () => BudgetedLatency.Of(seal.Close());

    /// <summary>Stores a response's record on its own, with its violation entry when severe (a commit for trackers whose response writes nothing else).</summary>
    public Task StoreAsync(LatencySeal seal, CancellationToken cancellationToken) => store.SaveLatencyAsync(Entry(seal), cancellationToken);

    /// <summary>Counts a record in the metrics and logs its budget verdict: WARNING over the threshold, ERROR over the severe limit.</summary>
    public void Report(LatencyRecord record)
    {
        instruments.Response(record);
        if (record.Severe)
        {
            LogSevere(record.ResponseTimeMs, record.SevereMs, record.ThresholdMs, record.SessionId, record.QuestionNumber, record.Candidate ?? "-");
        }
        else if (record.ExceededThreshold)
        {
            LogExceeded(record.ResponseTimeMs, record.ThresholdMs, record.SessionId, record.QuestionNumber, record.Candidate ?? "-");
        }
    }

    public async ValueTask SaveFailedAsync(LatencyRecord record)
    {
        try
        {
            await store.SaveLatencyAsync(() => BudgetedLatency.Of(record), CancellationToken.None);
        }
        catch (Exception e)
        {
            LogRecordLost(e, record.SessionId, record.QuestionNumber);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Latency budget exceeded: {ResponseTimeMs:F0}ms > {ThresholdMs:F0}ms (Session {SessionId}, Q{QuestionNumber}, Candidate: {Candidate})")]
    private partial void LogExceeded(double responseTimeMs, double thresholdMs, string sessionId, int questionNumber, string candidate);

    [LoggerMessage(Level = LogLevel.Error, Message = "SEVERE LATENCY VIOLATION: {ResponseTimeMs:F0}ms > {SevereMs:F0}ms severe limit, budget {ThresholdMs:F0}ms (Session {SessionId}, Q{QuestionNumber}, Candidate: {Candidate})")]
    private partial void LogSevere(double responseTimeMs, double severeMs, double thresholdMs, string sessionId, int questionNumber, string candidate);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the latency record of a failed response (Session {SessionId}, Q{QuestionNumber})")]
    private partial void LogRecordLost(Exception e, string sessionId, int questionNumber);
}

/// <summary>A latency record as the budget judged it: what storage writes, the record and its violation entry if any.</summary>
internal sealed record BudgetedLatency(LatencyRecord Record, ErrorLogEntry? Violation)
{
    public static BudgetedLatency Of(LatencyRecord record) => new(record, ViolationOf(record));

    /// <summary>The entry a severe response leaves in the error log; null for any other response.</summary>
    private static ErrorLogEntry? ViolationOf(LatencyRecord record) => !record.Severe ? null : new()
    {
        Type = ErrorLogEntry.LatencyViolationType,
        Message = $"SEVERE LATENCY VIOLATION: {record.ResponseTimeMs:F0}ms > {record.SevereMs:F0}ms severe limit, budget {record.ThresholdMs:F0}ms",
        SessionId = record.SessionId,
        QuestionNumber = record.QuestionNumber,
        ResponseTimeMs = record.ResponseTimeMs,
        ThresholdMs = record.ThresholdMs,
        Timestamp = record.Timestamp,
    };
}
