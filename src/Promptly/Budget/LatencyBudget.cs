using Promptly.Storage;

namespace Promptly.Budget;

/// <summary>
/// Starts <see cref="LatencyTracker"/>s and records what they measured: the budget verdict in the log, severe
/// violations in the error log, and the record itself in storage.
/// </summary>
public sealed partial class LatencyBudget(BudgetPolicy policy, ILatencyStore store, TimeProvider time, ILogger<LatencyBudget> logger)
{
    internal TimeProvider Time => time;

    public BudgetPolicy Policy => policy;

    /// <summary>
    /// Starts timing a response of <paramref name="subject"/>'s session.
    /// </summary>
    /// <param name="subject">The session the response belongs to.</param>
    /// <param name="startTimestamp">When the request arrived (<see cref="TimeProvider.GetTimestamp"/>); now when null.</param>
    /// <param name="questionNumber">The response's number; the session's next one when null.</param>
    /// <param name="thresholdMs">A threshold for this call only, overriding the policy.</param>
    public LatencyTracker Start(LatencySubject subject, long? startTimestamp = null, int? questionNumber = null, double? thresholdMs = null)
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

        return new LatencyTracker(this, subject, number, startTimestamp ?? time.GetTimestamp(), policy.For(subject.InterviewType, thresholdMs));
    }

    /// <summary>Logs the budget verdict of a record: WARNING over the threshold, ERROR over the severe limit.</summary>
    internal void Report(LatencyRecord record)
    {
        if (record.Severe)
        {
            LogSevere(record.ResponseTimeMs, record.SevereMs, record.ThresholdMs, record.SessionId, record.QuestionNumber, record.Candidate ?? "-");
        }
        else if (record.ExceededThreshold)
        {
            LogExceeded(record.ResponseTimeMs, record.ThresholdMs, record.SessionId, record.QuestionNumber, record.Candidate ?? "-");
        }
    }

    /// <summary>Reports a record and stores it (with its violation entry when severe).</summary>
    internal async ValueTask RecordAsync(LatencyRecord record, bool storageFailureIsFatal)
    {
        Report(record);
        try
        {
            await store.SaveLatencyAsync(record, CancellationToken.None);
        }
        catch (Exception e) when (!storageFailureIsFatal)
        {
            // The response already failed and its exception is on its way up; losing the record must not hide it.
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
